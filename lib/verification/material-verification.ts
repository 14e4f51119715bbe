import type { AppContext } from '../context';
import type { TaskTable } from '../store/schema';
import type { Scene } from '../store/scenes';
import { recordAudit } from '../store/audit';
import { RpcError } from '../rpc/errors';
import { sealString } from '../security/aead';
import { isValidIdNumber, isValidName } from './id-number';
import { loadImage, type LoadedImage } from './image-input';
import { type ImageKind, putMaterial } from './materials';
import type { MaterialType } from './materials-param';
import { assertServerSubmissionAllowed } from './scene-access';
import { analyzeImage, passThresholdForSecurityLevel, roundScore } from './face-match';
import type { AnalyzeOptions } from '../biometrics';
import { getBiometricEngine } from '../biometrics';
import { similarityScore } from '../biometrics/scores';
import { readIdentity } from './tasks';
import { hashToken } from './tokens';

/** Seed 002's VerifyStatus: all three fields required; SimilarityScore is 0 when no comparison ran. */
export interface VerifyStatus {
  StatusCode: 1 | 2;
  SimilarityScore: number;
  AuditConclusions: string;
}

const MOBILE_RE = /^\+?\d{5,20}$/;

/** Reference photos in order of trust: an ID photo first, the partner's own face photo last. */
const REFERENCE_ORDER: readonly ImageKind[] = ['IDPic', 'IdCardFrontPic', 'FaceRetainedPic'];

/**
 * RPMin / SubmitVerification core: store the submitted materials, compare the submitted FacePic
 * with the best reference (submitted, else stored with the task), and record the outcome on the
 * task so GetStatus / GetMaterials reflect it. Only an RPMin scene may be decided this way; a
 * ticket that passed or is in progress is refused; a failed one (StatusCode 2) may be submitted
 * again, with a token until the scene's maxAttempts is used up.
 */
export async function verifyWithMaterials(
  ctx: AppContext,
  input: { task: TaskTable; scene: Scene; materials: Map<MaterialType, string>; actor: string; token?: string; lane?: AnalyzeOptions['lane'] },
): Promise<VerifyStatus> {
  const { task, scene } = input;
  assertServerSubmissionAllowed(scene);
  if (task.status_code === 1) throw new RpcError('Error.DuplicatedTicketId', 'This ticket has already passed verification');
  if (task.status_code === 0) throw new RpcError('Error.DuplicatedTicketId', 'A verification for this ticket is in progress');

  // Validate everything before writing anything.
  const images = new Map<ImageKind, LoadedImage>();
  const text: { name?: string; identificationNumber?: string; mobile?: string } = {};
  for (const [type, value] of input.materials) {
    if (type === 'Name') {
      if (!isValidName(value)) throw new RpcError('InvalidParam.MaterialsNotValid', 'Material Name is not a valid name');
      text.name = value.trim();
    } else if (type === 'IdentificationNumber') {
      if (!isValidIdNumber(value)) throw new RpcError('InvalidParam.MaterialsNotValid', 'Material IdentificationNumber is not a valid resident ID number');
      text.identificationNumber = value.trim().toUpperCase();
    } else if (type === 'Mobile') {
      // Kept with the record only (the seed: risk context, never checked against a carrier).
      if (!MOBILE_RE.test(value.trim())) throw new RpcError('InvalidParam.MaterialsNotValid', 'Material Mobile must be 5–20 digits, optionally after +');
      text.mobile = value.trim();
    } else {
      images.set(type, await loadMaterialImage(ctx, type, value));
    }
  }
  const face = images.get('FacePic');
  if (!face) throw new RpcError('Error.MaterialsInsufficient', 'Material FacePic is required');

  let reference: { data: Buffer; kind: ImageKind } | undefined;
  for (const kind of REFERENCE_ORDER) {
    const img = images.get(kind);
    if (img) {
      reference = { data: img.data, kind };
      break;
    }
  }
  if (!reference) reference = await storedReference(ctx, task.id);
  // Without an authority database a reference photo is the only thing to compare with.
  if (!reference) throw new RpcError('Error.MaterialsInsufficient', 'No reference photo: submit IDPic, IdCardFrontPic or FaceRetainedPic, or bind one with GetVerifyToken');

  const decision = await decide(face.data, reference, scene.settings.securityLevel as 1 | 2 | 3 | 4, input.lane);

  const identity = Object.keys(text).length ? sealString(ctx.keys.identity, JSON.stringify({ ...readIdentity(ctx, task), ...text }), task.id) : task.identity_enc;
  const now = Date.now();
  // A failed submission leaves the token usable for another one until maxAttempts is reached.
  const tokenSpent = decision.StatusCode === 1 || task.attempts + 1 >= scene.settings.maxAttempts;
  await ctx.db.transaction().execute(async (trx) => {
    // Optimistic lock: a concurrent submission for the same ticket loses instead of overwriting.
    const r = await trx
      .updateTable('tasks')
      .set({ status_code: decision.StatusCode, similarity_score: decision.score, audit_conclusions: decision.AuditConclusions, identity_enc: identity, attempts: task.attempts + 1, version: task.version + 1, updated_at: now, decided_at: now })
      .where('id', '=', task.id)
      .where('version', '=', task.version)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new RpcError('Error.DuplicatedTicketId', 'This ticket was submitted concurrently; check GetStatus');
    for (const [kind, img] of images) await putMaterial(ctx, task.id, kind, img.data, img.mime, trx);
    if (input.token && tokenSpent) await trx.updateTable('verify_tokens').set({ state: 'used' }).where('token_hash', '=', hashToken(input.token)).execute();
    await recordAudit(trx, { taskId: task.id, actor: input.actor, event: 'task.decided', detail: { statusCode: decision.StatusCode, score: decision.score, reason: decision.AuditConclusions, reference: reference.kind, mobile: text.mobile !== undefined } });
  });
  return { StatusCode: decision.StatusCode, SimilarityScore: decision.score ?? 0, AuditConclusions: decision.AuditConclusions };
}

async function storedReference(ctx: AppContext, taskId: string): Promise<{ data: Buffer; kind: ImageKind } | undefined> {
  const rows = await ctx.db.selectFrom('materials').select(['kind', 'blob_key']).where('task_id', '=', taskId).execute();
  // The Binding's FacePic (the partner's photo on file) is the last resort, before it is replaced.
  for (const kind of [...REFERENCE_ORDER, 'FacePic'] as ImageKind[]) {
    const row = rows.find((r) => r.kind === kind);
    if (row) return { data: await ctx.blobs.get(row.blob_key), kind };
  }
  return undefined;
}

/** The seed's Error.MaterialsUploadError for any image that cannot be taken in; the message says why. */
async function loadMaterialImage(ctx: AppContext, kind: ImageKind, value: string): Promise<LoadedImage> {
  try {
    return await loadImage(value, `Material ${kind}`, ctx.config);
  } catch (e) {
    throw e instanceof RpcError ? e.as('Error.MaterialsUploadError') : e;
  }
}

/** A decision; score is null when no comparison ran (stored so, answered as 0). */
type Decision = Omit<VerifyStatus, 'SimilarityScore'> & { score: number | null };

async function decide(face: Buffer, reference: { data: Buffer; kind: ImageKind }, securityLevel: 1 | 2 | 3 | 4, lane: AnalyzeOptions['lane']): Promise<Decision> {
  const live = await analyzeImage(face, 'Material FacePic', { embed: true, lane });
  if (!live.faces[0]?.embedding) return { StatusCode: 2, score: null, AuditConclusions: 'NO_FACE_DETECTED:FacePic' };
  if (live.faces.length > 1) return { StatusCode: 2, score: null, AuditConclusions: 'MULTIPLE_FACES:FacePic' };
  const ref = await analyzeImage(reference.data, `reference ${reference.kind}`, { embed: true, lane });
  if (!ref.faces[0]?.embedding) return { StatusCode: 2, score: null, AuditConclusions: `REFERENCE_PHOTO_NO_FACE:${reference.kind}` };
  const engine = await getBiometricEngine();
  const score = roundScore(similarityScore(engine.cosine(live.faces[0].embedding, ref.faces[0].embedding)));
  const pass = score >= passThresholdForSecurityLevel(securityLevel);
  return { StatusCode: pass ? 1 : 2, score, AuditConclusions: pass ? 'PASS' : 'NOT_SAME_PERSON' };
}
