import type { AppContext } from '../context';
import type { TaskTable } from '../store/schema';
import type { Scene } from '../store/scenes';
import { recordAudit } from '../store/audit';
import { RpcError } from '../rpc/errors';
import { sealString } from '../security/aead';
import { isValidIdNumber, isValidName } from './id-number';
import { loadImage, type LoadedImage } from './image-input';
import { type ImageKind, IMAGE_KINDS, putMaterial } from './materials';
import { analyzeImage, passThresholdForSecurityLevel, roundScore } from './face-match';
import type { AnalyzeOptions } from '../biometrics';
import { getBiometricEngine } from '../biometrics';
import { similarityScore } from '../biometrics/scores';
import { readIdentity } from './tasks';
import { hashToken } from './tokens';

export interface VerifyStatus {
  StatusCode: 1 | 2;
  SimilarityScore?: number;
  AuditConclusions: string;
}

const TEXT_TYPES = ['Name', 'IdentificationNumber'] as const;

/** Reference photos in order of trust: an ID photo first, the partner's own face photo last. */
const REFERENCE_ORDER: readonly ImageKind[] = ['IDPic', 'IdCardFrontPic', 'FaceRetainedPic'];

/**
 * RPMin / SubmitVerification core: store the submitted materials, compare the submitted FacePic
 * with the best reference (submitted, else stored with the task), and record the outcome on the
 * task so GetStatus / GetMaterials reflect it. A ticket that passed or is in progress is refused.
 */
export async function verifyWithMaterials(
  ctx: AppContext,
  input: { task: TaskTable; scene: Scene; materials: Map<string, string>; actor: string; token?: string; lane?: AnalyzeOptions['lane'] },
): Promise<VerifyStatus> {
  const { task, scene } = input;
  if (task.status_code === 1) throw new RpcError('Error.DuplicatedTicketId', 'This ticket has already passed verification');
  if (task.status_code === 0) throw new RpcError('Error.DuplicatedTicketId', 'A verification for this ticket is in progress');

  // Validate everything before writing anything.
  const images = new Map<ImageKind, LoadedImage>();
  let name: string | undefined;
  let idNumber: string | undefined;
  for (const [type, value] of input.materials) {
    if (type === 'Name') {
      if (!isValidName(value)) throw new RpcError('InvalidParam.Name', 'Material Name is not a valid name');
      name = value.trim();
    } else if (type === 'IdentificationNumber') {
      if (!isValidIdNumber(value)) throw new RpcError('InvalidParam.IdentificationNumber', 'Material IdentificationNumber is not a valid resident ID number');
      idNumber = value.trim().toUpperCase();
    } else if ((IMAGE_KINDS as readonly string[]).includes(type)) {
      images.set(type as ImageKind, await loadImage(value, `Material ${type}`, ctx.config));
    } else {
      throw new RpcError('InvalidParameter', `Unknown MaterialType ${type}; use ${[...TEXT_TYPES, ...IMAGE_KINDS].join(', ')}`);
    }
  }
  const face = images.get('FacePic');
  if (!face) throw new RpcError('InvalidParam.FacePicNotGiven', 'Material FacePic is required');

  let reference: { data: Buffer; kind: ImageKind } | undefined;
  for (const kind of REFERENCE_ORDER) {
    const img = images.get(kind);
    if (img) {
      reference = { data: img.data, kind };
      break;
    }
  }
  if (!reference) reference = await storedReference(ctx, task.id);

  const decision = await decide(face.data, reference, scene.settings.securityLevel as 1 | 2 | 3 | 4, input.lane);

  const identityBefore = readIdentity(ctx, task);
  const identity = name || idNumber ? sealString(ctx.keys.identity, JSON.stringify({ name: name ?? identityBefore.name, identificationNumber: idNumber ?? identityBefore.identificationNumber }), task.id) : task.identity_enc;
  const now = Date.now();
  await ctx.db.transaction().execute(async (trx) => {
    // Optimistic lock: a concurrent submission for the same ticket loses instead of overwriting.
    const r = await trx
      .updateTable('tasks')
      .set({ status_code: decision.StatusCode, similarity_score: decision.SimilarityScore ?? null, audit_conclusions: decision.AuditConclusions, identity_enc: identity, attempts: task.attempts + 1, version: task.version + 1, updated_at: now, decided_at: now })
      .where('id', '=', task.id)
      .where('version', '=', task.version)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new RpcError('Error.DuplicatedTicketId', 'This ticket was submitted concurrently; check GetStatus');
    for (const [kind, img] of images) await putMaterial(ctx, task.id, kind, img.data, img.mime, trx);
    if (input.token) await trx.updateTable('verify_tokens').set({ state: 'used' }).where('token_hash', '=', hashToken(input.token)).execute();
    await recordAudit(trx, { taskId: task.id, actor: input.actor, event: 'task.decided', detail: { statusCode: decision.StatusCode, score: decision.SimilarityScore, reason: decision.AuditConclusions, reference: reference?.kind ?? null } });
  });
  return decision;
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

async function decide(face: Buffer, reference: { data: Buffer; kind: ImageKind } | undefined, securityLevel: 1 | 2 | 3 | 4, lane: AnalyzeOptions['lane']): Promise<VerifyStatus> {
  const live = await analyzeImage(face, 'Material FacePic', { embed: true, lane });
  if (!live.faces[0]?.embedding) return { StatusCode: 2, AuditConclusions: 'NO_FACE_DETECTED:FacePic' };
  if (live.faces.length > 1) return { StatusCode: 2, AuditConclusions: 'MULTIPLE_FACES:FacePic' };
  if (!reference) return { StatusCode: 2, AuditConclusions: 'NO_REFERENCE_PHOTO' };
  const ref = await analyzeImage(reference.data, `reference ${reference.kind}`, { embed: true, lane });
  if (!ref.faces[0]?.embedding) return { StatusCode: 2, AuditConclusions: `REFERENCE_PHOTO_NO_FACE:${reference.kind}` };
  const engine = await getBiometricEngine();
  const score = roundScore(similarityScore(engine.cosine(live.faces[0].embedding, ref.faces[0].embedding)));
  const pass = score >= passThresholdForSecurityLevel(securityLevel);
  return { StatusCode: pass ? 1 : 2, SimilarityScore: score, AuditConclusions: pass ? 'PASS' : 'NOT_SAME_PERSON' };
}
