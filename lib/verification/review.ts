import type { AppContext } from '../context';
import type { Db } from '../store/database';
import type { Scene } from '../store/scenes';
import { recordAudit } from '../store/audit';
import { newId } from '../ids';
import type { ReasonCode } from './h5/reasons';
import { consoleSettings } from '../console/settings';
import { countDecision } from '../console/metrics';
import { enqueueDecisionCallback } from './callbacks/outbox';

export type ReviewMode = 'off' | 'on_fail' | 'always';

/** RPManual scenes are reviewed always unless the scene says otherwise; others only when set. */
export function reviewMode(scene: Pick<Scene, 'scheme' | 'settings'>): ReviewMode {
  const set = (scene.settings as { review?: ReviewMode }).review;
  return set ?? (scene.scheme === 'RPManual' ? 'always' : 'off');
}

/** Reason a reviewer's rejection leaves in AuditConclusions (the machine's own reason when it failed). */
export const MANUAL_REJECT_REASON: ReasonCode = 'MANUAL_REVIEW_REJECTED';

/**
 * Called by settle() (lib/verification/h5/attempts.ts) inside its transaction for every decided
 * attempt (counted in /metrics); `final` = the outcome was just written to the task. When the scene's review policy applies, the task goes
 * back to StatusCode 0 ("in progress": the partner waits) with a pending review, and the
 * attempt's evidence frames are handed over to the review (their blob keys move, so settle's
 * clean-up no longer deletes them) until a reviewer decides.
 */
export async function holdForReview(trx: Db, input: { taskId: string; scene: Scene; attemptId: string; passed: boolean; reason: string | null; similarityScore: number | null; final: boolean }): Promise<boolean> {
  countDecision(input.reason ?? 'PASS');
  const mode = reviewMode(input.scene);
  if (!input.final || mode === 'off' || (mode === 'on_fail' && input.passed)) return false;
  const now = Date.now();
  await trx.updateTable('tasks').set({ status_code: 0, audit_conclusions: null, updated_at: now, decided_at: null }).where('id', '=', input.taskId).execute();
  await trx
    .insertInto('reviews')
    .values({ task_id: input.taskId, biz: input.scene.biz, state: 'pending', machine_passed: input.passed ? 1 : 0, machine_reason: input.reason, machine_score: input.similarityScore, attempt_id: input.attemptId, claimed_by: null, claimed_at: null, decided_by: null, decided_at: null, decision_reason: null, created_at: now })
    .onConflict((oc) => oc.column('task_id').doUpdateSet({ state: 'pending', machine_passed: input.passed ? 1 : 0, machine_reason: input.reason, machine_score: input.similarityScore, attempt_id: input.attemptId, claimed_by: null, claimed_at: null, decided_by: null, decided_at: null, decision_reason: null, created_at: now }))
    .execute();
  const frames = await trx.selectFrom('h5_evidence').select(['idx', 'role', 'action', 'blob_key']).where('attempt_id', '=', input.attemptId).where('blob_key', 'is not', null).execute();
  for (const f of frames) {
    await trx.insertInto('review_evidence').values({ id: newId('rv_'), task_id: input.taskId, attempt_id: input.attemptId, idx: f.idx, role: f.role, action: f.action, blob_key: f.blob_key!, created_at: now }).execute();
  }
  await trx.updateTable('h5_evidence').set({ blob_key: null }).where('attempt_id', '=', input.attemptId).execute();
  // The live stream's frames that showed each challenge (before, peak, after) go to the review too.
  const challenges = await trx.selectFrom('h5_challenges').select(['action', 'evidence']).where('attempt_id', '=', input.attemptId).execute();
  for (const c of challenges) {
    const ev = c.evidence ? (JSON.parse(c.evidence) as Record<'before' | 'peak' | 'after', number>) : null;
    if (!ev) continue;
    for (const role of ['before', 'peak', 'after'] as const) {
      const row = await trx.selectFrom('h5_frames').select('blob_key').where('attempt_id', '=', input.attemptId).where('seq', '=', ev[role]).where('blob_key', 'is not', null).executeTakeFirst();
      if (!row) continue;
      await trx.insertInto('review_evidence').values({ id: newId('rv_'), task_id: input.taskId, attempt_id: input.attemptId, idx: ev[role], role, action: c.action, blob_key: row.blob_key!, created_at: now }).execute();
      await trx.updateTable('h5_frames').set({ blob_key: null }).where('attempt_id', '=', input.attemptId).where('seq', '=', ev[role]).execute();
      frames.push({ idx: ev[role], role, action: c.action, blob_key: row.blob_key });
    }
  }
  await recordAudit(trx, { taskId: input.taskId, actor: 'review', event: 'review.queued', detail: { mode, machinePassed: input.passed, machineReason: input.reason, frames: frames.length } });
  return true;
}

export type ReviewError = 'NOT_FOUND' | 'NOT_PENDING' | 'CLAIMED_BY_OTHER' | 'NOT_CLAIMED';

/** Takes a pending review for a lease (CONSOLE_REVIEW_LEASE_MINUTES): one reviewer at a time. */
export async function claimReview(ctx: AppContext, taskId: string, operator: string, now = Date.now()): Promise<{ ok: true } | { ok: false; error: ReviewError; heldBy?: string }> {
  const lease = consoleSettings().reviewLeaseMs;
  const r = await ctx.db
    .updateTable('reviews')
    .set({ claimed_by: operator, claimed_at: now })
    .where('task_id', '=', taskId)
    .where('state', '=', 'pending')
    .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claimed_by', '=', operator), eb('claimed_at', '<', now - lease)]))
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 1) {
    await recordAudit(ctx.db, { taskId, actor: `operator:${operator}`, event: 'review.claimed' });
    return { ok: true };
  }
  const row = await ctx.db.selectFrom('reviews').select(['state', 'claimed_by']).where('task_id', '=', taskId).executeTakeFirst();
  if (!row) return { ok: false, error: 'NOT_FOUND' };
  if (row.state !== 'pending') return { ok: false, error: 'NOT_PENDING' };
  return { ok: false, error: 'CLAIMED_BY_OTHER', heldBy: row.claimed_by ?? undefined };
}

/**
 * The reviewer's verdict becomes the task's final outcome (GetStatus 1 or 2) in one transaction;
 * only the reviewer holding an unexpired claim may decide. The kept evidence frames are deleted
 * afterwards (data minimisation); on a rejection a captured FacePic is removed too, so a failed
 * capture never becomes a reference.
 */
export async function decideReview(ctx: AppContext, taskId: string, operator: string, verdict: 'approve' | 'reject', reason: string, now = Date.now()): Promise<{ ok: true; statusCode: 1 | 2 } | { ok: false; error: ReviewError }> {
  const lease = consoleSettings().reviewLeaseMs;
  const statusCode = verdict === 'approve' ? 1 : 2;
  const blobs: string[] = [];
  const result = await ctx.db.transaction().execute(async (trx) => {
    const review = await trx.selectFrom('reviews').selectAll().where('task_id', '=', taskId).executeTakeFirst();
    if (!review) return { ok: false as const, error: 'NOT_FOUND' as const };
    const upd = await trx
      .updateTable('reviews')
      .set({ state: verdict === 'approve' ? 'approved' : 'rejected', decided_by: operator, decided_at: now, decision_reason: reason, claimed_by: null, claimed_at: null })
      .where('task_id', '=', taskId)
      .where('state', '=', 'pending')
      .where('claimed_by', '=', operator)
      .where('claimed_at', '>=', now - lease)
      .executeTakeFirst();
    if (Number(upd.numUpdatedRows) !== 1) return { ok: false as const, error: review.state !== 'pending' ? ('NOT_PENDING' as const) : review.claimed_by && review.claimed_by !== operator ? ('CLAIMED_BY_OTHER' as const) : ('NOT_CLAIMED' as const) };
    const task = await trx.selectFrom('tasks').select(['version', 'status_code']).where('id', '=', taskId).executeTakeFirstOrThrow();
    const auditConclusions = verdict === 'approve' ? null : review.machine_passed ? MANUAL_REJECT_REASON : (review.machine_reason ?? MANUAL_REJECT_REASON);
    await trx.updateTable('tasks').set({ status_code: statusCode, audit_conclusions: auditConclusions, version: task.version + 1, updated_at: now, decided_at: now }).where('id', '=', taskId).execute();
    await enqueueDecisionCallback(trx, { taskId, statusCode, reason: auditConclusions, similarityScore: review.machine_score });
    const kept = await trx.selectFrom('review_evidence').select('blob_key').where('task_id', '=', taskId).execute();
    blobs.push(...kept.map((k) => k.blob_key));
    await trx.deleteFrom('review_evidence').where('task_id', '=', taskId).execute();
    if (verdict === 'reject') {
      const face = await trx.selectFrom('materials').select(['id', 'blob_key']).where('task_id', '=', taskId).where('kind', '=', 'FacePic').where('created_at', '>=', review.created_at - 60_000).execute();
      blobs.push(...face.map((f) => f.blob_key));
      if (face.length) await trx.deleteFrom('materials').where('id', 'in', face.map((f) => f.id)).execute();
    }
    await recordAudit(trx, { taskId, actor: `operator:${operator}`, event: verdict === 'approve' ? 'review.approved' : 'review.rejected', detail: { reason, machinePassed: review.machine_passed === 1, machineReason: review.machine_reason, statusCode } });
    return { ok: true as const, statusCode: statusCode as 1 | 2 };
  });
  for (const b of blobs) await ctx.blobs.delete(b).catch(() => undefined);
  if (result.ok) countDecision(verdict === 'approve' ? 'MANUAL_APPROVED' : 'MANUAL_REJECTED');
  return result;
}

/** Is this task's outcome waiting for a reviewer (the machine decided, a person has not yet)? */
export async function awaitingReview(db: Db, taskId: string): Promise<boolean> {
  const row = await db.selectFrom('reviews').select('task_id').where('task_id', '=', taskId).where('state', '=', 'pending').executeTakeFirst();
  return !!row;
}

export async function listPendingReviews(db: Db, limit = 100) {
  return db.selectFrom('reviews').innerJoin('tasks', 'tasks.id', 'reviews.task_id').select(['reviews.task_id', 'reviews.biz', 'reviews.machine_passed', 'reviews.machine_reason', 'reviews.machine_score', 'reviews.claimed_by', 'reviews.claimed_at', 'reviews.created_at', 'tasks.ticket_id']).where('reviews.state', '=', 'pending').orderBy('reviews.created_at').limit(limit).execute();
}

/** Bytes of a kept evidence frame for the /media route (same signed URLs as materials). */
export async function readReviewEvidence(ctx: AppContext, id: string): Promise<{ data: Buffer; mime: string } | null> {
  if (!id.startsWith('rv_')) return null;
  const row = await ctx.db.selectFrom('review_evidence').select('blob_key').where('id', '=', id).executeTakeFirst();
  return row ? { data: await ctx.blobs.get(row.blob_key), mime: 'image/jpeg' } : null;
}
