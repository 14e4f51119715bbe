import { z } from 'zod';
import { RpcError } from '../rpc/errors';
import { defineAction } from './action';
import { resolveToken } from '../verification/tokens';
import { getScene } from '../store/scenes';
import { readMaterialList } from '../verification/materials-param';
import { verifyWithMaterials } from '../verification/material-verification';

/** RPMin: the partner's server submits the user's materials under a VerifyToken. */
export const submitMaterials = defineAction({
  name: 'SubmitMaterials',
  params: z.object({ VerifyToken: z.string().min(1).max(128) }).passthrough(),
  async run(ctx, p, call) {
    const materials = readMaterialList(p);
    const resolved = await resolveToken(ctx.db, p.VerifyToken);
    if (resolved.state === 'decided' && resolved.task?.status_code === 1) throw new RpcError('Error.DuplicatedTicketId', 'This ticket has already passed verification');
    if (resolved.state !== 'valid' || !resolved.task) throw new RpcError('InvalidParameter', `VerifyToken is ${resolved.state === 'valid' ? 'unknown' : resolved.state}`);
    const scene = await getScene(ctx.db, resolved.task.biz);
    if (!scene?.enabled) throw new RpcError('InvalidParam.Biz', `Biz ${resolved.task.biz} does not exist or is disabled`);
    const status = await verifyWithMaterials(ctx, { task: resolved.task, scene, materials, actor: `ak:${call.accessKeyId}`, token: p.VerifyToken, lane: 'batch' });
    return { VerifyStatus: status };
  },
});
