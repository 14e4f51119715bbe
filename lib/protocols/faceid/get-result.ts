import { scoreAtFar } from '../../biometrics/scores';
import { taskOutcome } from '../../verification/outcome-codes';
import { findProtocolTask, taskImage, type ProtocolTask } from '../../verification/protocol-tasks';
import { compareWithReference, ImageFieldError, type SecurityLevel } from '../../verification/reference-compare';
import { getScene } from '../../store/scenes';
import type { AppContext } from '../../context';
import { badArgument, missingArgument } from './errors';
import type { FaceIdCall, FaceIdEndpoint } from './handle';
import { textParam } from './request';
import { faceIdResult } from './result-codes';
import { SECOND_REFERENCE_KIND, type ReferenceParam } from './get-biz-token';

/** Scores at FAR 1e-3 … 1e-6 from lib/biometrics/calibration.json (1e-3 measured, the rest extrapolated: README). */
export function faceIdThresholds(): Record<'1e-3' | '1e-4' | '1e-5' | '1e-6', number> {
  return { '1e-3': scoreAtFar(1e-3), '1e-4': scoreAtFar(1e-4), '1e-5': scoreAtFar(1e-5), '1e-6': scoreAtFar(1e-6) };
}

interface FaceIdOptions {
  refs: ReferenceParam[];
  /** image_ref2's score against the kept live face, computed once on the first get_result after a pass with two references. */
  ref2Confidence?: number | null;
}

export const getResult: FaceIdEndpoint = {
  method: 'GET',
  authError: 'INVALID_SIGN',
  limitStatus: 429,
  async run({ ctx, req, accessKeyId }: FaceIdCall) {
    const bizToken = textParam(req, 'biz_token');
    if (!bizToken) throw missingArgument('biz_token');
    const verboseRaw = textParam(req, 'verbose') ?? '0';
    if (verboseRaw !== '0' && verboseRaw !== '1') throw badArgument('verbose', 'must be 0 or 1');
    // Unknown, malformed, or another key's token: the same answer, so nothing is learned about other accounts.
    const found = await findProtocolTask(ctx, bizToken, 'faceid', accessKeyId);
    if (!found) throw badArgument('biz_token', 'unknown biz_token');
    const outcome = taskOutcome(found.resolved);
    const options = JSON.parse(found.link.options ?? '{"refs":[]}') as FaceIdOptions;
    const body: Record<string, unknown> = { biz_token: bizToken, ...faceIdResult(outcome) };
    if (found.link.external_id !== null) body.biz_no = found.link.external_id;

    const verification: Record<string, unknown> = {};
    const thresholds = faceIdThresholds();
    // The decision compared the live face with the core's FacePic: image_ref1, else image_ref2.
    const decidedWith = options.refs[0];
    if (decidedWith && outcome.similarityScore !== null) verification[decidedWith.replace('image_', '')] = { confidence: outcome.similarityScore, thresholds };
    if (outcome.progress === 'passed' && options.refs.length === 2) {
      const c = await ref2Confidence(ctx, found, options);
      if (c !== null) verification.ref2 = { confidence: c, thresholds };
    }
    if (Object.keys(verification).length) body.verification = verification;
    if (verboseRaw === '1' && outcome.progress === 'passed') {
      const best = await livePhoto(ctx, found.task.id);
      if (best) body.images = { image_best: best.toString('base64') };
    }
    return body;
  },
};

/** On a pass the core keeps the best live frame as the task's FacePic. */
const livePhoto = (ctx: AppContext, taskId: string) => taskImage(ctx, taskId, 'FacePic');

async function ref2Confidence(ctx: AppContext, found: ProtocolTask, options: FaceIdOptions): Promise<number | null> {
  if (options.ref2Confidence !== undefined) return options.ref2Confidence;
  const [live, ref2] = await Promise.all([livePhoto(ctx, found.task.id), taskImage(ctx, found.task.id, SECOND_REFERENCE_KIND)]);
  if (!live || !ref2) return null;
  const scene = await getScene(ctx.db, found.task.biz);
  let confidence: number | null = null;
  try {
    const c = await compareWithReference({ data: live, field: 'image_best' }, { data: ref2, field: 'image_ref2' }, (scene?.settings.securityLevel ?? 2) as SecurityLevel);
    confidence = c.outcome === 'compared' ? c.similarityScore : null;
  } catch (e) {
    // Engine trouble: answer without ref2 now, try again on the next call (nothing cached).
    if (e instanceof ImageFieldError && (e.code === 'BUSY' || e.code === 'ENGINE_FAILED' || e.code === 'MODEL_MISSING')) return null;
    throw e;
  }
  await ctx.db.updateTable('protocol_tasks').set({ options: JSON.stringify({ ...options, ref2Confidence: confidence }) }).where('task_id', '=', found.task.id).execute();
  return confidence;
}
