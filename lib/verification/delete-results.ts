import type { AppContext } from '../context';
import { recordAudit } from '../store/audit';

/** Keys of decision audit details that carry biometric scores (removed when the scores are deleted). */
const SCORE_KEYS = ['similarityScore', 'similarityThreshold', 'livenessMedian', 'livenessScore', 'score', 'machineScore'];

/**
 * Deletes what a verification holds about the face: every stored image (materials, frames kept
 * for review, evidence and stream frames) and, with `scores`, the similarity score on the task
 * and the score numbers in its decision audit events; with `identity`, the encrypted name and ID
 * number. The outcome itself (StatusCode, reason) and an audit event saying what was deleted,
 * by whom and why, stay. Rows first, files after: a crash leaves an orphan encrypted file, never
 * a row pointing at nothing.
 */
export async function deleteVerificationData(ctx: AppContext, taskId: string, actor: string, why: string, opts: { scores?: boolean; identity?: boolean; event?: string } = { scores: true }): Promise<{ images: number }> {
  const blobs: string[] = [];
  await ctx.db.transaction().execute(async (trx) => {
    const mats = await trx.selectFrom('materials').select(['blob_key']).where('task_id', '=', taskId).execute();
    const rev = await trx.selectFrom('review_evidence').select(['blob_key']).where('task_id', '=', taskId).execute();
    const attemptIds = (await trx.selectFrom('h5_attempts').select('id').where('task_id', '=', taskId).execute()).map((a) => a.id);
    const ev = attemptIds.length ? await trx.selectFrom('h5_evidence').select('blob_key').where('attempt_id', 'in', attemptIds).where('blob_key', 'is not', null).execute() : [];
    const fr = attemptIds.length ? await trx.selectFrom('h5_frames').select('blob_key').where('attempt_id', 'in', attemptIds).where('blob_key', 'is not', null).execute() : [];
    blobs.push(...mats.map((m) => m.blob_key), ...rev.map((r) => r.blob_key), ...ev.map((e) => e.blob_key!), ...fr.map((f) => f.blob_key!));
    await trx.deleteFrom('materials').where('task_id', '=', taskId).execute();
    await trx.deleteFrom('review_evidence').where('task_id', '=', taskId).execute();
    if (attemptIds.length) {
      await trx.updateTable('h5_evidence').set({ blob_key: null }).where('attempt_id', 'in', attemptIds).execute();
      await trx.updateTable('h5_frames').set({ blob_key: null }).where('attempt_id', 'in', attemptIds).execute();
    }
    await trx
      .updateTable('tasks')
      .set({ ...(opts.scores ? { similarity_score: null } : {}), ...(opts.identity ? { identity_enc: null } : {}), updated_at: Date.now() })
      .where('id', '=', taskId)
      .execute();
    if (opts.scores) {
      await trx.updateTable('reviews').set({ machine_score: null }).where('task_id', '=', taskId).execute();
      const events = await trx.selectFrom('audit_events').select(['id', 'detail']).where('task_id', '=', taskId).where('detail', 'is not', null).execute();
      for (const e of events) {
        const d = JSON.parse(e.detail!) as Record<string, unknown>;
        if (!SCORE_KEYS.some((k) => k in d)) continue;
        for (const k of SCORE_KEYS) delete d[k];
        await trx.updateTable('audit_events').set({ detail: JSON.stringify({ ...d, scoresDeleted: true }) }).where('id', '=', e.id).execute();
      }
    }
    await recordAudit(trx, { taskId, actor, event: opts.event ?? 'verification.data_deleted', detail: { why, images: blobs.length, scores: !!opts.scores, identity: !!opts.identity } });
  });
  for (const b of blobs) await ctx.blobs.delete(b).catch(() => undefined);
  return { images: blobs.length };
}
