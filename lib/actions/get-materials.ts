import { z } from 'zod';
import { RpcError } from '../rpc/errors';
import { defineAction } from './action';
import { QUERY_WIRE } from './cloudauth-2018';
import { findTask, readIdentity } from '../verification/tasks';
import { listMaterials } from '../verification/materials';
import { sceneForCaller } from '../verification/scene-access';
import { signMediaUrl } from '../security/signed-url';

export const getMaterials = defineAction({
  name: 'GetMaterials',
  wire: { ...QUERY_WIRE, internalError: 'Error.GetMaterialsError' },
  params: z.object({ Biz: z.string().max(64), TicketId: z.string().max(128) }),
  async run(ctx, p, call) {
    await sceneForCaller(ctx.db, p.Biz, call.accessKeyId, 'read');
    const task = await findTask(ctx.db, p.Biz, p.TicketId);
    if (!task) throw new RpcError('InvalidParam.RecordNotFound', `No verification record for Biz ${p.Biz} and this TicketId`);
    const identity = readIdentity(ctx, task);
    // Name, IdentificationNumber, IdCardType and FacePic are required fields in the seed: empty
    // strings when the task holds none. (Mobile is kept with the record and never returned.)
    const data: Record<string, unknown> = { Name: identity.name ?? '', IdentificationNumber: identity.identificationNumber ?? '', IdCardType: 'identityCard', FacePic: '' };
    // Image fields are absolute, signed URLs valid for one hour; bytes are decrypted on the fly.
    for (const m of await listMaterials(ctx.db, task.id)) data[m.kind] = signMediaUrl(ctx.config.publicUrl, ctx.keys.urlSigning, m.id);
    return data;
  },
});
