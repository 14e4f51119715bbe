import type { AppContext } from '../context';
import { RpcError } from '../rpc/errors';
import { resolveToken } from './tokens';
import { assertServerSubmissionAllowed, sceneForCaller } from './scene-access';
import { findOrCreateTask } from './tasks';
import type { MaterialType } from './materials-param';
import { verifyWithMaterials, type VerifyStatus } from './material-verification';

/**
 * SubmitMaterials: the materials for the task a VerifyToken names. A passed ticket is
 * Error.DuplicatedTicketId; a token that is expired, superseded, used up or unknown is
 * InvalidParam.VerifyTokenExpired (an expired token's record may be gone, so the two cannot be
 * told apart); a failed task with its token still active may be submitted again.
 */
export async function submitWithToken(ctx: AppContext, input: { token: string; materials: Map<MaterialType, string>; accessKeyId: string }): Promise<VerifyStatus> {
  const resolved = await resolveToken(ctx.db, input.token);
  const task = resolved.task;
  if (task?.status_code === 1) throw new RpcError('Error.DuplicatedTicketId', 'This ticket has already passed verification');
  const usable = resolved.state === 'valid' || (resolved.state === 'decided' && resolved.retryable);
  if (!task || !usable) throw new RpcError('InvalidParam.VerifyTokenExpired', `The VerifyToken is ${resolved.state === 'decided' ? 'used up' : resolved.state === 'unknown' ? 'unknown or expired' : resolved.state}; request a new one with GetVerifyToken`);
  const scene = await sceneForCaller(ctx.db, task.biz, input.accessKeyId, 'start');
  return verifyWithMaterials(ctx, { task, scene, materials: input.materials, actor: `ak:${input.accessKeyId}`, token: input.token, lane: 'batch' });
}

/** SubmitVerification: Biz + TicketId + materials, no token; the task is created on first use. */
export async function submitForTicket(ctx: AppContext, input: { biz: string; ticketId: string; materials: Map<MaterialType, string>; accessKeyId: string }): Promise<VerifyStatus> {
  const actor = `ak:${input.accessKeyId}`;
  const scene = await sceneForCaller(ctx.db, input.biz, input.accessKeyId, 'start');
  // Before the task exists: a refused call leaves no record behind.
  assertServerSubmissionAllowed(scene);
  const task = await findOrCreateTask(ctx, input.biz, input.ticketId, actor);
  return verifyWithMaterials(ctx, { task, scene, materials: input.materials, actor, lane: 'batch' });
}
