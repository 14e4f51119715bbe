import { z } from 'zod';
import { defineAction } from './action';
import { SUBMIT_WIRE } from './cloudauth-2018';
import { readMaterialList } from '../verification/materials-param';
import { submitForTicket } from '../verification/server-submission';

/** Pure server-side verification (RPMin): Biz + TicketId + materials, no token and no browser. */
export const submitVerification = defineAction({
  name: 'SubmitVerification',
  wire: SUBMIT_WIRE,
  params: z.object({ Biz: z.string().max(64), TicketId: z.string().max(128) }).passthrough(),
  async run(ctx, p, call) {
    const materials = readMaterialList(p);
    return { VerifyStatus: await submitForTicket(ctx, { biz: p.Biz, ticketId: p.TicketId, materials, accessKeyId: call.accessKeyId }) };
  },
});
