import { z } from 'zod';
import { RpcError } from '../rpc/errors';
import { defineAction } from './action';
import { findTask, readIdentity } from '../verification/tasks';
import { listMaterials } from '../verification/materials';
import { signMediaUrl } from '../security/signed-url';

export const getMaterials = defineAction({
  name: 'GetMaterials',
  params: z.object({ Biz: z.string().min(1).max(64), TicketId: z.string().min(1).max(128) }),
  async run(ctx, p) {
    const task = await findTask(ctx.db, p.Biz, p.TicketId);
    if (!task) throw new RpcError('InvalidParam.RecordNotFound', `No verification record for Biz ${p.Biz} and this TicketId`);
    const identity = readIdentity(ctx, task);
    const data: Record<string, unknown> = {};
    if (identity.name) data.Name = identity.name;
    if (identity.identificationNumber) {
      data.IdentificationNumber = identity.identificationNumber;
      data.IdCardType = 'identityCard';
    }
    // Image fields are absolute, signed URLs valid for one hour; bytes are decrypted on the fly.
    for (const m of await listMaterials(ctx.db, task.id)) data[m.kind] = signMediaUrl(ctx.config.publicUrl, ctx.keys.urlSigning, m.id);
    return data;
  },
});
