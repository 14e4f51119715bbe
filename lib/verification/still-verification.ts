import type { AppContext } from '../context';
import { getBiometricEngine } from '../biometrics';
import { passThresholdForSecurityLevel, similarityScore } from '../biometrics/scores';
import type { Scene } from '../store/scenes';
import { recordAudit } from '../store/audit';
import { analyzeImage, roundScore } from './face-match';
import { putMaterial } from './materials';
import type { OutcomeCode } from './outcome-codes';
import { livenessThresholdFor } from './h5/scoring';
import { checkBestFrame } from './h5/checks';
import { faceFacts } from './h5/face-facts';
import { createProtocolVerification } from './protocol-tasks';

/**
 * Server-only decisions on still images (2019-03-07 LivenessFaceVerify / ContrastFaceVerify):
 * what a single photo can show, and no more. Liveness on a still is the passive anti-spoof
 * score alone (no challenge, no stream): it stops prints and screens the model recognises, not
 * a good photo of the person. The H5 flow is the strong path; these exist for partners whose
 * own app captured the face.
 */
export interface StillVerdict {
  passed: boolean;
  reason: OutcomeCode | null;
  /** P(live) of the main face, 0–1 (null without a face). */
  livenessScore: number | null;
  livenessThreshold: number;
  /** Against the reference, when one was compared. */
  similarityScore: number | null;
  similarityThreshold: number | null;
  /** The face quality checks of the H5 best frame passed (frontal, eyes open, large enough). */
  qualityOk: boolean;
}

/** Exactly one face, a usable pose, P(live) at the scene's threshold; then, with a reference, the same person at its security level. */
export async function decideStill(probe: Buffer, field: string, scene: Scene, reference: Buffer | null, opts: { compare: boolean }): Promise<StillVerdict> {
  const threshold = livenessThresholdFor(scene.settings.livenessThreshold);
  const a = await analyzeImage(probe, field, { embed: opts.compare, liveness: true, maxFaces: 2, lane: 'batch' });
  const base: StillVerdict = { passed: false, reason: null, livenessScore: null, livenessThreshold: threshold, similarityScore: null, similarityThreshold: null, qualityOk: false };
  const face = a.faces[0];
  if (!face) return { ...base, reason: 'NO_FACE_DETECTED:FacePic' };
  if (a.faces.length > 1) return { ...base, reason: 'MULTIPLE_FACES:FacePic' };
  const live = face.liveness ?? null;
  const qualityOk = checkBestFrame(faceFacts(a, face)) === null;
  const v = { ...base, livenessScore: live === null ? null : Math.round(live * 10000) / 10000, qualityOk };
  if (live === null || live < threshold) return { ...v, reason: 'SPOOF_SUSPECTED' };
  if (!opts.compare) return { ...v, passed: true };
  if (!reference) return { ...v, reason: 'NO_REFERENCE_PHOTO' };
  const r = await analyzeImage(reference, 'reference', { embed: true, maxFaces: 1, lane: 'batch' });
  if (!r.faces[0]?.embedding) return { ...v, reason: 'REFERENCE_PHOTO_NO_FACE' };
  const engine = await getBiometricEngine();
  const score = roundScore(similarityScore(engine.cosine(face.embedding!, r.faces[0].embedding)));
  const bar = passThresholdForSecurityLevel(scene.settings.securityLevel as 1 | 2 | 3 | 4);
  return { ...v, similarityScore: score, similarityThreshold: bar, passed: score >= bar, reason: score >= bar ? null : 'NOT_SAME_PERSON' };
}

/**
 * A server-only decision becomes a task like any other (created, decided and audited in the
 * core), so it can be read back, deleted, and — after a pass — serve as a comparison source by
 * its id. On a pass the probe is kept as the task's FacePic; a failed probe is never kept.
 */
export async function recordStillDecision(ctx: AppContext, input: { scene: Scene; accessKeyId: string; certifyId: string; externalId: string | null; name?: string; idNumber?: string; action: string; probe: Buffer; mime: string; verdict: StillVerdict; source?: string }): Promise<string> {
  const { taskId } = await createProtocolVerification(ctx, { protocol: 'cloudauth_2019', accessKeyId: input.accessKeyId, biz: input.scene.biz, externalId: input.externalId, name: input.name, idNumber: input.idNumber, images: {}, certifyId: input.certifyId, options: { action: input.action, sceneId: input.scene.settings.sceneId ?? null } });
  const v = input.verdict;
  const now = Date.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('tasks')
      .set({ status_code: v.passed ? 1 : 2, similarity_score: v.similarityScore, audit_conclusions: v.reason, attempts: 1, version: (eb) => eb('version', '+', 1), updated_at: now, decided_at: now })
      .where('id', '=', taskId)
      .execute();
    await trx.updateTable('verify_tokens').set({ state: 'used' }).where('task_id', '=', taskId).where('state', '=', 'active').execute();
    if (v.passed) await putMaterial(ctx, taskId, 'FacePic', input.probe, input.mime, trx);
    await recordAudit(trx, {
      taskId,
      actor: `ak:${input.accessKeyId}`,
      event: v.passed ? 'still.passed' : 'still.failed',
      detail: { action: input.action, reason: v.reason, livenessScore: v.livenessScore, livenessThreshold: v.livenessThreshold, similarityScore: v.similarityScore, similarityThreshold: v.similarityThreshold, reference: input.source ?? null },
    });
  });
  return taskId;
}
