import type { Db } from '../../store/database';
import { recordAudit } from '../../store/audit';
import { newId } from '../../ids';
import { CALLBACK_FORMATS } from '../../protocols/callback-formats';
import type { CallbackProtocol } from './targets';

/** A final outcome as the decision code has just written it to the task. */
export interface DecisionSnapshot {
  taskId: string;
  statusCode: 1 | 2;
  /** The stored AuditConclusions (null on a pass). */
  reason: string | null;
  similarityScore: number | null;
}

/**
 * The one place decision code hands a final outcome to the callbacks: called inside the
 * transaction that stores the decision (H5 settle(), the exhausted-attempts failure, a
 * reviewer's verdict), so a callback exists exactly when the decision does — a crash before the
 * commit loses both, one after it loses neither. Does nothing when the task has no callback.
 * The query parameters are computed now, from the stored outcome, by the protocol that
 * registered the callback; the partner's token/seed is added at delivery from its encrypted row.
 */
export async function enqueueDecisionCallback(trx: Db, d: DecisionSnapshot): Promise<boolean> {
  const target = await trx.selectFrom('callback_targets').selectAll().where('task_id', '=', d.taskId).executeTakeFirst();
  if (!target) return false;
  const params = await CALLBACK_FORMATS[target.protocol as CallbackProtocol](trx, d);
  const now = Date.now();
  const id = newId('cb_');
  await trx.insertInto('callback_outbox').values({ id, task_id: d.taskId, url: target.url, params: JSON.stringify(params), state: 'pending', attempts: 0, next_attempt_at: now, locked_until: null, last_error: null, created_at: now, delivered_at: null }).execute();
  await recordAudit(trx, { taskId: d.taskId, actor: 'callback', event: 'callback.queued', detail: { deliveryId: id, origin: new URL(target.url).origin, statusCode: d.statusCode } });
  return true;
}
