import type { Db } from '../../store/database';
import type { DecisionSnapshot } from '../../verification/callbacks/outbox';
import { subCodeFor } from './sub-codes';

/**
 * InitFaceVerify's CallbackUrl gets `certifyId`, `passed` (T/F) and `subcode`, plus the
 * partner's `callbackToken` (added at delivery), as query parameters of a GET.
 */
export async function faceVerifyCallbackParams(db: Db, d: DecisionSnapshot): Promise<Record<string, string>> {
  const link = await db.selectFrom('certify_ids').select('certify_id').where('task_id', '=', d.taskId).executeTakeFirst();
  return { certifyId: link?.certify_id ?? '', passed: d.statusCode === 1 ? 'T' : 'F', subcode: subCodeFor(d.statusCode, d.reason) };
}

/**
 * DescribeVerifyToken's CallbackUrl gets `bizType`, `bizId` and `verifyStatus` (1 passed,
 * 2 failed, as DescribeVerifyResult), plus the partner's `callbackSeed` (added at delivery).
 */
export async function verifyTokenCallbackParams(db: Db, d: DecisionSnapshot): Promise<Record<string, string>> {
  const task = await db.selectFrom('tasks').select(['biz', 'ticket_id']).where('id', '=', d.taskId).executeTakeFirstOrThrow();
  return { bizType: task.biz, bizId: task.ticket_id, verifyStatus: String(d.statusCode) };
}
