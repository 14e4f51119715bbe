import crypto from 'node:crypto';
import type { AppContext } from '../context';
import type { ProtocolTaskTable, TaskTable } from '../store/schema';
import { newId } from '../ids';
import { createVerification, readIdentity } from './tasks';
import { putMaterial, type ImageKind } from './materials';
import { sniffImageMime } from './image-input';
import { resolveToken, type ResolvedToken } from './tokens';

export type Protocol = 'faceid' | 'face_verify' | 'cloudauth_2019';

/**
 * Keyed hash of a normalised ID number, so "an earlier verification of this person" can be found
 * without storing the number in clear (identities are encrypted per task). The key is derived
 * from the identity key: a leaked database alone cannot be brute-forced over the ID space.
 */
export function identityLookup(ctx: AppContext, idNumber: string): string {
  const key = Buffer.from(crypto.hkdfSync('sha256', ctx.keys.identity, Buffer.alloc(0), 'open-cloudauth:identity-lookup', 32));
  return crypto.createHmac('sha256', key).update(idNumber.trim().toUpperCase()).digest('hex');
}

export interface ProtocolVerificationInput {
  protocol: Protocol;
  accessKeyId: string;
  /** The scene whose liveness, security level, attempts and redirect origins apply. */
  biz: string;
  externalId: string | null;
  name?: string;
  idNumber?: string;
  images: Partial<Record<ImageKind, Buffer>>;
  /** Further images kept with the task under a protocol's own kind: never a reference of the core's decisions, deleted by retention like every material. */
  extraMaterials?: Record<string, Buffer>;
  /** The protocol's own JSON kept beside the task. */
  options?: Record<string, unknown>;
  /** 2019-03-07 API: the task's CertifyId (unique). */
  certifyId?: string;
}

/**
 * A FaceID biz_token / face_verify queryId is a core verify token: the task is created through
 * the same createVerification() as GetVerifyToken (validation, encryption, audit), on a ticket
 * of its own, and the protocol, key and partner id are remembered beside it.
 */
export async function createProtocolVerification(ctx: AppContext, input: ProtocolVerificationInput): Promise<{ token: string; taskId: string }> {
  const ticketId = `${input.protocol}:${newId()}`;
  const images: Partial<Record<ImageKind, string>> = {};
  for (const [kind, data] of Object.entries(input.images) as [ImageKind, Buffer][]) images[kind] = `base64://${data.toString('base64')}`;
  const created = await createVerification(ctx, { biz: input.biz, ticketId, binding: { name: input.name, identificationNumber: input.idNumber, images }, accessKeyId: input.accessKeyId });
  await ctx.db
    .insertInto('protocol_tasks')
    .values({ task_id: created.taskId, protocol: input.protocol, access_key_id: input.accessKeyId, external_id: input.externalId, identity_lookup: input.idNumber ? identityLookup(ctx, input.idNumber) : null, options: input.options ? JSON.stringify(input.options) : null, created_at: Date.now() })
    .execute();
  if (input.certifyId) await ctx.db.insertInto('certify_ids').values({ certify_id: input.certifyId, task_id: created.taskId, created_at: Date.now() }).execute();
  for (const [kind, data] of Object.entries(input.extraMaterials ?? {})) await putMaterial(ctx, created.taskId, kind, data, sniffImageMime(data) ?? 'application/octet-stream');
  return created;
}

export interface ProtocolTask {
  resolved: ResolvedToken;
  task: TaskTable;
  link: ProtocolTaskTable;
}

/** The task behind a biz_token / queryId, only for the protocol and AccessKey that created it. */
export async function findProtocolTask(ctx: AppContext, token: string, protocol: Protocol, accessKeyId: string): Promise<ProtocolTask | null> {
  const resolved = await resolveToken(ctx.db, token);
  if (resolved.state === 'unknown' || !resolved.task) return null;
  const link = await ctx.db.selectFrom('protocol_tasks').selectAll().where('task_id', '=', resolved.task.id).executeTakeFirst();
  if (!link || link.protocol !== protocol || link.access_key_id !== accessKeyId) return null;
  return { resolved, task: resolved.task, link };
}

/** The task behind a 2019-03-07 CertifyId, only for the AccessKey that created it. */
export async function findByCertifyId(ctx: AppContext, certifyId: string, accessKeyId: string): Promise<{ task: TaskTable; link: ProtocolTaskTable } | null> {
  const link = await ctx.db.selectFrom('protocol_tasks').innerJoin('certify_ids', 'certify_ids.task_id', 'protocol_tasks.task_id').selectAll('protocol_tasks').where('certify_ids.certify_id', '=', certifyId).executeTakeFirst();
  if (!link || link.protocol !== 'cloudauth_2019' || link.access_key_id !== accessKeyId) return null;
  const task = await ctx.db.selectFrom('tasks').selectAll().where('id', '=', link.task_id).executeTakeFirst();
  return task ? { task, link } : null;
}

/**
 * The live face of this person's latest passed verification made with this AccessKey through
 * FaceID or face_verify (the FacePic the core kept on the pass), when its stored name matches.
 */
export async function latestVerifiedFace(ctx: AppContext, accessKeyId: string, name: string, idNumber: string): Promise<{ taskId: string; data: Buffer } | null> {
  const rows = await ctx.db
    .selectFrom('protocol_tasks')
    .innerJoin('tasks', 'tasks.id', 'protocol_tasks.task_id')
    .select(['tasks.id', 'tasks.identity_enc'])
    .where('protocol_tasks.access_key_id', '=', accessKeyId)
    .where('protocol_tasks.identity_lookup', '=', identityLookup(ctx, idNumber))
    .where('tasks.status_code', '=', 1)
    .orderBy('tasks.decided_at', 'desc')
    .limit(20)
    .execute();
  for (const r of rows) {
    if (readIdentity(ctx, r).name !== name.trim()) continue;
    const data = await taskImage(ctx, r.id, 'FacePic');
    // Retention may have deleted the images of an old task: try the next one.
    if (data) return { taskId: r.id, data };
  }
  return null;
}

/** The latest image of a kind stored with a task (after a pass, FacePic is the kept live face). */
export async function taskImage(ctx: AppContext, taskId: string, kind: string): Promise<Buffer | null> {
  const row = await ctx.db.selectFrom('materials').select('blob_key').where('task_id', '=', taskId).where('kind', '=', kind).orderBy('created_at', 'desc').executeTakeFirst();
  return row ? ctx.blobs.get(row.blob_key) : null;
}

/** The verify page for a token; `back` (already checked against the scene) is where it returns after the decision. */
export function verifyPageUrl(ctx: AppContext, token: string, back: string | null): string {
  const url = `${ctx.config.publicUrl}/verify?token=${token}`;
  return back ? `${url}&successRedirect=${encodeURIComponent(back)}&failRedirect=${encodeURIComponent(back)}` : url;
}
