import crypto from 'node:crypto';
import { z } from 'zod';
import { recordAudit } from '../../store/audit';
import { policyScene } from '../../verification/policy-scenes';
import { createProtocolVerification, verifyPageUrl } from '../../verification/protocol-tasks';
import { uprightReference } from '../../verification/reference-compare';
import { allowedRedirect } from '../../verification/h5/redirect';
import { checkCallbackUrl, registerCallbackTarget } from '../../verification/callbacks/targets';
import { Answer2019, defineFaceAction, opt, refuseOss, sceneForId, sceneIdParam } from './envelope';
import { identityParams, normaliseCertNo } from './identity';
import { MODEL_NAMES, MODELS } from './models';
import { identityReference, pictureFrom } from './references';

/** Product codes whose flows all run our H5 page here (the comparison is always against a picture, never an authority database). */
export const PRODUCT_CODES = ['ID_PRO', 'ID_PLUS', 'ID_MIN', 'LR_FR', 'PV_FV', 'PV_FC'] as const;

const newCertifyId = () => crypto.randomBytes(16).toString('hex');

const metaInfo = opt(16 * 1024).refine((v) => {
  if (v === undefined) return true;
  try {
    const j = JSON.parse(v) as unknown;
    return !!j && typeof j === 'object' && !Array.isArray(j);
  } catch {
    return false;
  }
}, 'MetaInfo must be a JSON object (getMetaInfo() of the web SDK)');

const schema = z
  .object({
    SceneId: sceneIdParam,
    OuterOrderNo: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and -'),
    ProductCode: z.enum(PRODUCT_CODES),
    Model: z.enum(MODEL_NAMES).optional(),
    ...identityParams,
    FaceContrastPicture: opt(3 * 1024 * 1024),
    FaceContrastPictureUrl: opt(2048),
    CertifyId: opt(64),
    ReturnUrl: opt(2048),
    CallbackUrl: opt(2048),
    CallbackToken: opt(128),
    MetaInfo: metaInfo,
    // H5 / WEB both open our page; S (short) and L (long) URLs are the same URL here.
    CertifyUrlType: z.enum(['H5', 'WEB']).optional(),
    CertifyUrlStyle: z.enum(['S', 'L']).optional(),
    OssBucketName: opt(256),
    OssObjectName: opt(1024),
    UserId: opt(128),
    Mobile: opt(32),
    Ip: opt(64),
  })
  .passthrough();

/**
 * InitFaceVerify: a verification on the scene `SceneId` names, for the H5 page. The comparison
 * source is FaceContrastPicture, else FaceContrastPictureUrl, else the kept face of an earlier
 * passed CertifyId, else this person's latest passed verification with this key (CertName +
 * CertNo); without any, Code 417 (there is no authority database to fall back on).
 */
export const initFaceVerify = defineFaceAction({
  name: 'InitFaceVerify',
  schema,
  async run(ctx, p, call) {
    refuseOss(p, 'OssBucketName', 'OssObjectName');
    const base = await sceneForId(ctx, p.SceneId);
    const back = p.ReturnUrl ? allowedRedirect(p.ReturnUrl, base.settings.redirectOrigins) : null;
    if (p.ReturnUrl && !back) throw new Answer2019('401', "ReturnUrl: its origin is not in the scene's redirectOrigins");
    if (p.CallbackUrl) {
      const ok = await checkCallbackUrl(p.CallbackUrl, base.settings.callbackOrigins, ctx.config.fetchPrivateNetworks);
      if (!ok.ok) throw new Answer2019('401', `CallbackUrl: ${ok.problem === 'origin_not_allowed' ? "its origin is not in the scene's callbackOrigins" : ok.problem === 'private_address' ? 'it resolves to a loopback or private address (CLOUDAUTH_FETCH_PRIVATE_NETWORKS)' : ok.problem === 'unresolvable' ? 'the host does not resolve' : 'not an absolute http(s) URL without credentials'}`);
    }
    const certNo = normaliseCertNo(p.CertNo);
    const picked =
      (await pictureFrom(ctx, { picture: p.FaceContrastPicture, url: p.FaceContrastPictureUrl, certifyId: p.CertifyId }, { picture: 'FaceContrastPicture', url: 'FaceContrastPictureUrl', certifyId: 'CertifyId' }, call.accessKeyId)) ??
      (await identityReference(ctx, call.accessKeyId, p.CertName, certNo));
    if (!picked) throw new Answer2019('417', 'no comparison picture: send FaceContrastPicture, FaceContrastPictureUrl or a passed CertifyId');
    const upright = await uprightReference(picked.data, picked.source, { rotate: true });
    if (!upright) throw new Answer2019('401', `${picked.source}: no face was detected in the picture`);

    // Model → the challenge set, through a derived scene so the core reads it as any scene setting.
    const model = MODELS[p.Model ?? 'LIVENESS'];
    let biz = base.biz;
    if (model) {
      const derived = await policyScene(ctx.db, base.biz, { actionCount: model.count, timeoutSeconds: base.settings.liveness.timeoutSeconds, securityLevel: base.settings.securityLevel as 1 | 2 | 3 | 4, actions: [...model.actions] });
      if (!derived.ok) throw new Answer2019('404', `SceneId ${p.SceneId}: ${derived.reason}`);
      biz = derived.scene.biz;
    }
    const certifyId = newCertifyId();
    const { token, taskId } = await createProtocolVerification(ctx, {
      protocol: 'cloudauth_2019',
      accessKeyId: call.accessKeyId,
      biz,
      externalId: p.OuterOrderNo,
      name: p.CertName?.trim(),
      idNumber: certNo,
      images: { FacePic: upright.data },
      certifyId,
      options: { action: 'InitFaceVerify', sceneId: p.SceneId, productCode: p.ProductCode, model: p.Model ?? null, metaInfo: p.MetaInfo ? (JSON.parse(p.MetaInfo) as unknown) : null },
    });
    if (p.CallbackUrl) await registerCallbackTarget(ctx, { taskId, protocol: 'cloudauth_2019_face', accessKeyId: call.accessKeyId, url: p.CallbackUrl, secret: p.CallbackToken ?? null });
    await recordAudit(ctx.db, { taskId, actor: `ak:${call.accessKeyId}`, event: 'cloudauth2019.init', detail: { sceneId: p.SceneId, productCode: p.ProductCode, model: p.Model ?? null, reference: picked.source, rotated: upright.rotated, callback: !!p.CallbackUrl, returnUrl: !!back } });
    return { CertifyId: certifyId, CertifyUrl: verifyPageUrl(ctx, token, back) };
  },
});
