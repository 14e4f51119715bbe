import { z } from 'zod';
import { RpcError } from '../rpc/errors';
import { defineAction } from './action';
import { getScene } from '../store/scenes';
import { findOrCreateTask } from '../verification/tasks';
import { readMaterialList } from '../verification/materials-param';
import { verifyWithMaterials } from '../verification/material-verification';

/** Pure server-side verification: Biz + TicketId + materials, no token and no browser. */
export const submitVerification = defineAction({
  name: 'SubmitVerification',
  params: z.object({ Biz: z.string().min(1).max(64), TicketId: z.string().min(1).max(128) }).passthrough(),
  async run(ctx, p, call) {
    const materials = readMaterialList(p);
    const scene = await getScene(ctx.db, p.Biz);
    if (!scene?.enabled) throw new RpcError('InvalidParam.Biz', `Biz ${p.Biz} does not exist or is disabled`);
    const task = await findOrCreateTask(ctx, p.Biz, p.TicketId, `ak:${call.accessKeyId}`);
    const status = await verifyWithMaterials(ctx, { task, scene, materials, actor: `ak:${call.accessKeyId}`, lane: 'batch' });
    return { VerifyStatus: status };
  },
});
