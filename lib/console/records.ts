import { deleteVerificationData } from '../verification/delete-results';
import { z } from 'zod';
import type { AppContext } from '../context';
import type { Db } from '../store/database';
import type { TaskTable } from '../store/schema';
import { listAudit } from '../store/audit';
import { readIdentity } from '../verification/tasks';
import { signMediaUrl } from '../security/signed-url';
import { IMAGE_KINDS, listMaterials } from '../verification/materials';
import { LIVENESS_ACTIONS } from '../store/scenes';

/** Suffixes reason codes carry: an action or an image kind. */
const REASON_SUFFIXES = [...LIVENESS_ACTIONS, ...IMAGE_KINDS];

export const PAGE_SIZE = 50;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const recordFilterSchema = z.object({
  ticket: z.string().trim().max(128).optional(),
  biz: z.string().max(64).optional(),
  status: z.enum(['-1', '0', '1', '2', 'review']).optional(),
  reason: z.string().trim().max(128).optional(),
  from: day.optional(),
  to: day.optional(),
  /** Keyset cursor "createdAt:id" of the last row of the previous page. */
  after: z.string().regex(/^\d+:[A-Za-z0-9_]+$/).optional(),
});
export type RecordFilter = z.infer<typeof recordFilterSchema>;

/** Parses query parameters leniently: empty fields mean "no filter", a bad one is dropped. */
export function parseFilter(sp: Record<string, string | string[] | undefined>): RecordFilter {
  const out: Record<string, string> = {};
  for (const k of Object.keys(recordFilterSchema.shape)) {
    const v = sp[k];
    const one = Array.isArray(v) ? v[0] : v;
    if (one === undefined || one === '') continue;
    const r = (recordFilterSchema.shape as Record<string, z.ZodTypeAny>)[k]!.safeParse(one);
    if (r.success) out[k] = r.data as string;
  }
  return out as RecordFilter;
}

export interface RecordRow {
  id: string;
  biz: string;
  ticketId: string;
  statusCode: number;
  similarityScore: number | null;
  reason: string | null;
  attempts: number;
  createdAt: number;
  updatedAt: number;
  review: string | null;
}

const dayStart = (d: string) => Date.parse(`${d}T00:00:00Z`);

/**
 * Newest first, keyset-paged on (created_at, id): page N costs the same as page 1, and every
 * filter combination has an index whose prefix matches it (migration 0007_console).
 */
export async function searchRecords(db: Db, f: RecordFilter, limit = PAGE_SIZE): Promise<{ rows: RecordRow[]; next: string | null }> {
  let q = db
    .selectFrom('tasks')
    .leftJoin('reviews', 'reviews.task_id', 'tasks.id')
    .select(['tasks.id', 'tasks.biz', 'tasks.ticket_id', 'tasks.status_code', 'tasks.similarity_score', 'tasks.audit_conclusions', 'tasks.attempts', 'tasks.created_at', 'tasks.updated_at', 'reviews.state as review']);
  if (f.ticket) q = q.where('tasks.ticket_id', '=', f.ticket);
  if (f.biz) q = q.where('tasks.biz', '=', f.biz);
  if (f.status === 'review') q = q.where('reviews.state', '=', 'pending');
  else if (f.status) q = q.where('tasks.status_code', '=', Number(f.status));
  // A reason matches itself and its suffixed forms (LIVENESS_ACTION_NOT_DETECTED:blink, …) as an
  // IN list, which both databases answer from the (audit_conclusions, created_at, id) index.
  if (f.reason) q = q.where('tasks.audit_conclusions', 'in', [f.reason, ...REASON_SUFFIXES.map((x) => `${f.reason}:${x}`)]);
  if (f.from) q = q.where('tasks.created_at', '>=', dayStart(f.from));
  if (f.to) q = q.where('tasks.created_at', '<', dayStart(f.to) + 86_400_000);
  if (f.after) {
    const [ts, id] = [Number(f.after.split(':')[0]), f.after.split(':')[1]!];
    q = q.where((eb) => eb.or([eb('tasks.created_at', '<', ts), eb.and([eb('tasks.created_at', '=', ts), eb('tasks.id', '<', id)])]));
  }
  const rows = await q.orderBy('tasks.created_at', 'desc').orderBy('tasks.id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit).map((r) => ({ id: r.id, biz: r.biz, ticketId: r.ticket_id, statusCode: r.status_code, similarityScore: r.similarity_score, reason: r.audit_conclusions, attempts: r.attempts, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at), review: r.review ?? null }));
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? `${last.createdAt}:${last.id}` : null };
}

const mask = (s: string | undefined, keepStart: number, keepEnd: number) => (s ? s.slice(0, keepStart) + '*'.repeat(Math.max(1, s.length - keepStart - keepEnd)) + (keepEnd ? s.slice(-keepEnd) : '') : null);

const parse = (s: string | null): unknown => {
  if (!s) return null;
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
};

export interface RecordImage {
  id: string;
  kind: string;
  url: string | null;
  size: number;
}

/**
 * Everything the console shows about one record. Images come as signed /media URLs (one hour,
 * no-store) only when `withImages` (reviewers and admins); identity is always masked.
 */
export async function recordDetail(ctx: AppContext, taskId: string, withImages: boolean) {
  const task = await ctx.db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
  if (!task) return null;
  const identity = safeIdentity(ctx, task);
  const [audit, attempts, materials, review, reviewEvidence, flow] = await Promise.all([
    listAudit(ctx.db, task.id),
    ctx.db.selectFrom('h5_attempts').selectAll().where('task_id', '=', task.id).orderBy('seq').execute(),
    listMaterials(ctx.db, task.id),
    ctx.db.selectFrom('reviews').selectAll().where('task_id', '=', task.id).executeTakeFirst(),
    ctx.db.selectFrom('review_evidence').select(['id', 'attempt_id', 'idx', 'role', 'action']).where('task_id', '=', task.id).orderBy('idx').execute(),
    ctx.db.selectFrom('flow_events').select(['step', 'ms', 'code', 'browser', 'in_app', 'created_at']).where('task_id', '=', task.id).orderBy('created_at').limit(500).execute(),
  ]);
  const attemptIds = attempts.map((a) => a.id);
  const evidence = attemptIds.length ? await ctx.db.selectFrom('h5_evidence').selectAll().where('attempt_id', 'in', attemptIds).orderBy('idx').execute() : [];
  const sign = (id: string) => (withImages ? signMediaUrl(ctx.config.publicUrl, ctx.keys.urlSigning, id) : null);
  const auditRows = audit.map((e) => ({ id: e.id, at: Number(e.created_at), actor: e.actor, event: e.event, detail: parse(e.detail) as Record<string, unknown> | null }));
  return {
    task: { id: task.id, biz: task.biz, ticketId: task.ticket_id, statusCode: task.status_code, similarityScore: task.similarity_score, reason: task.audit_conclusions, attempts: task.attempts, createdAt: Number(task.created_at), updatedAt: Number(task.updated_at), decidedAt: task.decided_at },
    identity: { name: mask(identity.name, 1, 0), identificationNumber: mask(identity.identificationNumber, 3, 2) },
    attempts: attempts.map((a) => ({
      id: a.id,
      seq: a.seq,
      state: a.state,
      reason: a.reason,
      challenges: (parse(a.challenges) as string[] | null) ?? [],
      createdAt: Number(a.created_at),
      decidedAt: a.decided_at,
      // Per-attempt scores and signals as the engine wrote them to the audit trail (h5.* events with this attemptId);
      // read defensively: the live-capture rewrite adds fields (injection signals, stream metrics).
      signals: auditRows.filter((e) => e.detail && e.detail.attemptId === a.id && e.event.startsWith('h5.')).map((e) => ({ event: e.event, detail: e.detail })),
      evidence: evidence.filter((e) => e.attempt_id === a.id).map((e) => ({ idx: e.idx, role: e.role, action: e.action, size: e.size, stored: !!e.blob_key })),
    })),
    images: [
      ...materials.map((m) => ({ id: m.id, kind: m.kind, url: sign(m.id), size: Number(m.size) })),
      ...reviewEvidence.map((r) => ({ id: r.id, kind: `evidence #${r.idx} ${r.role}${r.action ? ` (${r.action})` : ''}`, url: sign(r.id), size: 0 })),
    ] as RecordImage[],
    review: review ?? null,
    audit: auditRows,
    flow: flow.map((f) => ({ ...f, created_at: Number(f.created_at) })),
  };
}

function safeIdentity(ctx: AppContext, task: TaskTable): { name?: string; identificationNumber?: string } {
  try {
    return readIdentity(ctx, task);
  } catch {
    return {};
  }
}

/**
 * Data-subject erasure: every stored image of the record (materials, evidence kept for review,
 * any evidence frame still on disk) and the encrypted identity. The outcome stays for GetStatus;
 * the audit entry names the operator.
 */
export async function eraseRecord(ctx: AppContext, taskId: string, operator: string): Promise<{ images: number }> {
  const task = await ctx.db.selectFrom('tasks').select(['id']).where('id', '=', taskId).executeTakeFirst();
  if (!task) return { images: -1 };
  return deleteVerificationData(ctx, taskId, `operator:${operator}`, 'console erase', { identity: true, event: 'record.erased' });
}
