import type { AppContext } from '../context';
import type { Db } from '../store/database';
import type { TaskTable } from '../store/schema';
import { RpcError } from '../rpc/errors';
import { sceneForCaller } from './scene-access';
import { recordAudit } from '../store/audit';
import { newId } from '../ids';
import { openString, sealString } from '../security/aead';
import { isValidIdNumber, isValidName } from './id-number';
import { loadImage, type LoadedImage } from './image-input';
import { IMAGE_KINDS, type ImageKind, putMaterial } from './materials';
import { issueToken } from './tokens';

export interface BindingInput {
  name?: string;
  identificationNumber?: string;
  images: Partial<Record<ImageKind, string>>;
}

export async function findTask(db: Db, biz: string, ticketId: string): Promise<TaskTable | undefined> {
  return db.selectFrom('tasks').selectAll().where('biz', '=', biz).where('ticket_id', '=', ticketId).executeTakeFirst();
}

export function readIdentity(ctx: AppContext, task: Pick<TaskTable, 'id' | 'identity_enc'>): { name?: string; identificationNumber?: string } {
  if (!task.identity_enc) return {};
  return JSON.parse(openString(ctx.keys.identity, task.identity_enc, task.id)) as { name?: string; identificationNumber?: string };
}

/**
 * GetVerifyToken's core: validate everything first (nothing is written for a bad request),
 * then create or refresh the task for Biz + TicketId and issue a token that supersedes older ones.
 */
export async function createVerification(ctx: AppContext, req: VerificationRequest): Promise<{ token: string; taskId: string }> {
  try {
    return await createVerificationOnce(ctx, req);
  } catch (e) {
    // Two first requests for one new ticket race on the unique (biz, ticket_id): the loser retries
    // and finds the winner's task, instead of answering InternalError.
    if (isUniqueViolation(e)) return createVerificationOnce(ctx, req);
    throw e;
  }
}

export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

type VerificationRequest = { biz: string; ticketId: string; binding: BindingInput; userData?: string; accessKeyId: string };

async function createVerificationOnce(ctx: AppContext, req: VerificationRequest): Promise<{ token: string; taskId: string }> {
  await sceneForCaller(ctx.db, req.biz, req.accessKeyId, 'start');
  const { name, identificationNumber } = req.binding;
  if (name !== undefined && !isValidName(name)) throw new RpcError('InvalidParam.Name', 'Binding.Name is not a valid name');
  if (identificationNumber !== undefined && !isValidIdNumber(identificationNumber)) {
    throw new RpcError('InvalidParam.IdentificationNumber', 'Binding.IdentificationNumber is not a valid resident ID number (GB 11643 checksum or 15-digit form)');
  }
  if (req.userData !== undefined) {
    try {
      JSON.parse(req.userData);
    } catch {
      throw new RpcError('InvalidParameter', 'UserData must be a JSON string');
    }
  }
  const images: [ImageKind, LoadedImage][] = [];
  for (const kind of IMAGE_KINDS) {
    const ref = req.binding.images[kind];
    if (ref) images.push([kind, await loadImage(ref, `Binding.${kind}`, ctx.config)]);
  }

  const now = Date.now();
  const existing = await findTask(ctx.db, req.biz, req.ticketId);
  if (existing?.status_code === 1) throw new RpcError('Error.DuplicatedTicketId', 'This TicketId has already passed verification; use a new TicketId');
  // A ticket waiting for a reviewer is decided by the reviewer: a new token would reset it to
  // "not started" and let a fresh attempt overwrite the pending review.
  if (existing && (await ctx.db.selectFrom('reviews').select('task_id').where('task_id', '=', existing.id).where('state', '=', 'pending').executeTakeFirst())) {
    throw new RpcError('Error.DuplicatedTicketId', 'This TicketId is awaiting manual review; its outcome comes from the reviewer (GetStatus)');
  }
  // An unfinished attempt (StatusCode 0, e.g. an abandoned tab) does not lock the ticket: the new
  // token supersedes the old one, and the old page's attempt can no longer finish.
  const taskId = existing?.id ?? newId('t_');
  const identity = name || identificationNumber ? sealString(ctx.keys.identity, JSON.stringify({ name: name?.trim(), identificationNumber: identificationNumber?.trim().toUpperCase() }), taskId) : null;

  const token = await ctx.db.transaction().execute(async (trx) => {
    if (existing) {
      await trx
        .updateTable('tasks')
        .set({ status_code: -1, similarity_score: null, audit_conclusions: null, identity_enc: identity ?? existing.identity_enc, user_data: req.userData ?? existing.user_data, attempts: 0, version: existing.version + 1, updated_at: now, decided_at: null })
        .where('id', '=', taskId)
        .execute();
    } else {
      await trx
        .insertInto('tasks')
        .values({ id: taskId, biz: req.biz, ticket_id: req.ticketId, status_code: -1, similarity_score: null, audit_conclusions: null, identity_enc: identity, user_data: req.userData ?? null, attempts: 0, version: 0, created_at: now, updated_at: now, decided_at: null })
        .execute();
    }
    for (const [kind, img] of images) await putMaterial(ctx, taskId, kind, img.data, img.mime, trx);
    const issued = await issueToken(trx, taskId, now);
    await recordAudit(trx, { taskId, actor: `ak:${req.accessKeyId}`, event: existing ? 'token.reissued' : 'task.created', detail: { biz: req.biz, images: images.map(([k]) => k) } });
    return issued.token;
  });
  return { token, taskId };
}

/** SubmitVerification has no token step: the task is created on first use (the race retried like above). */
export async function findOrCreateTask(ctx: AppContext, biz: string, ticketId: string, actor: string): Promise<TaskTable> {
  const existing = await findTask(ctx.db, biz, ticketId);
  if (existing) return existing;
  const now = Date.now();
  const id = newId('t_');
  try {
    await ctx.db
      .insertInto('tasks')
      .values({ id, biz, ticket_id: ticketId, status_code: -1, similarity_score: null, audit_conclusions: null, identity_enc: null, user_data: null, attempts: 0, version: 0, created_at: now, updated_at: now, decided_at: null })
      .execute();
    await recordAudit(ctx.db, { taskId: id, actor, event: 'task.created', detail: { biz } });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
  }
  return (await findTask(ctx.db, biz, ticketId))!;
}
