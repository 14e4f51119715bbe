import crypto from 'node:crypto';
import { z } from 'zod';
import { recordAudit } from '../../store/audit';
import { compareWithReference, type SecurityLevel } from '../../verification/reference-compare';
import { decideStill, recordStillDecision, type StillVerdict } from '../../verification/still-verification';
import { Answer2019, defineFaceAction, opt, refuseOss, sceneForId, sceneIdParam } from './envelope';
import { identityParams, normaliseCertNo } from './identity';
import { MODEL_NAMES } from './models';
import { identityReference, pictureFrom } from './references';
import { subCodeFor } from './sub-codes';

const common = {
  SceneId: sceneIdParam,
  OuterOrderNo: opt(64).pipe(z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and -').optional()),
  ProductCode: opt(32),
  Model: opt(32).pipe(z.enum(MODEL_NAMES).optional()),
  FaceContrastPicture: opt(3 * 1024 * 1024),
  FaceContrastPictureUrl: opt(2048),
  CertifyId: opt(64),
  OssBucketName: opt(256),
  OssObjectName: opt(1024),
  DeviceToken: opt(256),
  UserId: opt(128),
  Ip: opt(64),
  Mobile: opt(32),
  Crop: opt(8),
};

/** The still's numbers as MaterialInfo (a JSON string): faceAttack / faceAttackScore, verifyScore, faceQuality. */
function stillMaterialInfo(v: StillVerdict): string {
  const info: Record<string, unknown> = {};
  if (v.livenessScore !== null) {
    info.faceAttack = v.livenessScore < v.livenessThreshold ? 'T' : 'F';
    info.faceAttackScore = Math.round((1 - v.livenessScore) * 10000) / 100;
    info.faceQuality = v.qualityOk ? 'high' : 'low';
  }
  if (v.similarityScore !== null) info.verifyScore = v.similarityScore;
  return JSON.stringify(info);
}

const newCertifyId = () => crypto.randomBytes(16).toString('hex');

/**
 * LivenessFaceVerify: passive liveness of one face picture (FaceContrastPicture / …Url, or the
 * kept face of a passed CertifyId). A pass keeps the picture as that CertifyId's face, usable as a
 * comparison source afterwards. A still proves far less than the H5 flow (README).
 */
export const livenessFaceVerify = defineFaceAction({
  name: 'LivenessFaceVerify',
  schema: z.object(common).passthrough(),
  async run(ctx, p, call) {
    refuseOss(p, 'OssBucketName', 'OssObjectName');
    const scene = await sceneForId(ctx, p.SceneId);
    const probe = await pictureFrom(ctx, { picture: p.FaceContrastPicture, url: p.FaceContrastPictureUrl, certifyId: p.CertifyId }, { picture: 'FaceContrastPicture', url: 'FaceContrastPictureUrl', certifyId: 'CertifyId' }, call.accessKeyId);
    if (!probe) throw new Answer2019('400', 'FaceContrastPicture (or FaceContrastPictureUrl, CertifyId)');
    const verdict = await decideStill(probe.data, probe.source, scene, null, { compare: false });
    const certifyId = newCertifyId();
    await recordStillDecision(ctx, { scene, accessKeyId: call.accessKeyId, certifyId, externalId: p.OuterOrderNo ?? null, action: 'LivenessFaceVerify', probe: probe.data, mime: probe.mime, verdict });
    return { CertifyId: certifyId, Passed: verdict.passed ? 'T' : 'F', SubCode: subCodeFor(verdict.passed ? 1 : 2, verdict.reason), MaterialInfo: stillMaterialInfo(verdict) };
  },
});

/**
 * ContrastFaceVerify: passive liveness of the face picture, then the same person as the
 * comparison source: the kept face of a passed `CertifyId`, else this person's latest passed
 * verification with this key (CertName + CertNo). Without one: Passed F, SubCode 203.
 */
export const contrastFaceVerify = defineFaceAction({
  name: 'ContrastFaceVerify',
  schema: z.object({ ...common, ...identityParams, FaceContrastFile: opt(16) }).passthrough(),
  async run(ctx, p, call) {
    refuseOss(p, 'OssBucketName', 'OssObjectName');
    if (p.FaceContrastFile) throw new Answer2019('401', 'FaceContrastFile: videos are not supported by this server; send FaceContrastPicture');
    const scene = await sceneForId(ctx, p.SceneId);
    const probe = await pictureFrom(ctx, { picture: p.FaceContrastPicture, url: p.FaceContrastPictureUrl }, { picture: 'FaceContrastPicture', url: 'FaceContrastPictureUrl' }, call.accessKeyId);
    if (!probe) throw new Answer2019('400', 'FaceContrastPicture (or FaceContrastPictureUrl)');
    const certNo = normaliseCertNo(p.CertNo);
    const reference = (p.CertifyId ? await pictureFrom(ctx, { certifyId: p.CertifyId }, { picture: '', url: '', certifyId: 'CertifyId' }, call.accessKeyId) : null) ?? (await identityReference(ctx, call.accessKeyId, p.CertName, certNo));
    const verdict = await decideStill(probe.data, probe.source, scene, reference?.data ?? null, { compare: true });
    const certifyId = newCertifyId();
    await recordStillDecision(ctx, { scene, accessKeyId: call.accessKeyId, certifyId, externalId: p.OuterOrderNo ?? null, name: p.CertName?.trim(), idNumber: certNo, action: 'ContrastFaceVerify', probe: probe.data, mime: probe.mime, verdict, source: reference?.source });
    return { CertifyId: certifyId, Passed: verdict.passed ? 'T' : 'F', SubCode: subCodeFor(verdict.passed ? 1 : 2, verdict.reason), MaterialInfo: stillMaterialInfo(verdict), IdentityInfo: null };
  },
});

const side = (s: 'Source' | 'Target') => ({
  [`${s}FaceContrastPicture`]: opt(3 * 1024 * 1024),
  [`${s}FaceContrastPictureUrl`]: opt(2048),
  [`${s}CertifyId`]: opt(64),
  [`${s}OssBucketName`]: opt(256),
  [`${s}OssObjectName`]: opt(1024),
});

/**
 * CompareFaceVerify: 1:1 comparison of two pictures, each given inline, as an allowed URL or as a
 * passed CertifyId. VerifyScore is the calibrated 0–100 score; Passed is T at the scene's security level.
 * Nothing is stored but the audit event (its CertifyId identifies it there).
 */
export const compareFaceVerify = defineFaceAction({
  name: 'CompareFaceVerify',
  schema: z.object({ SceneId: sceneIdParam, OuterOrderNo: opt(64), ProductCode: opt(32), Crop: opt(8), ...side('Source'), ...side('Target') }).passthrough(),
  async run(ctx, p, call) {
    const q = p as Record<string, string | undefined>;
    refuseOss(q, 'SourceOssBucketName', 'SourceOssObjectName', 'TargetOssBucketName', 'TargetOssObjectName');
    const scene = await sceneForId(ctx, p.SceneId);
    const pick = async (s: 'Source' | 'Target') => {
      const img = await pictureFrom(ctx, { picture: q[`${s}FaceContrastPicture`], url: q[`${s}FaceContrastPictureUrl`], certifyId: q[`${s}CertifyId`] }, { picture: `${s}FaceContrastPicture`, url: `${s}FaceContrastPictureUrl`, certifyId: `${s}CertifyId` }, call.accessKeyId);
      if (!img) throw new Answer2019('400', `${s}FaceContrastPicture (or ${s}FaceContrastPictureUrl, ${s}CertifyId)`);
      return img;
    };
    const [a, b] = [await pick('Source'), await pick('Target')];
    const level = scene.settings.securityLevel as SecurityLevel;
    const c = await compareWithReference({ data: a.data, field: a.source }, { data: b.data, field: b.source }, level);
    if (c.outcome === 'no_face') throw new Answer2019('401', `${c.which === 'probe' ? a.source : b.source}: no face was detected`);
    if (c.outcome === 'multiple_faces') throw new Answer2019('401', `${a.source}: more than one face`);
    const certifyId = newCertifyId();
    await recordAudit(ctx.db, { actor: `ak:${call.accessKeyId}`, event: 'cloudauth2019.compare', detail: { certifyId, sceneId: p.SceneId, score: c.similarityScore, threshold: c.threshold, passed: c.passed, securityLevel: level } });
    return { CertifyId: certifyId, Passed: c.passed ? 'T' : 'F', VerifyScore: c.similarityScore };
  },
});
