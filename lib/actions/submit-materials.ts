import { z } from 'zod';
import { defineAction } from './action';
import { SUBMIT_WIRE } from './cloudauth-2018';
import { readMaterialList } from '../verification/materials-param';
import { submitWithToken } from '../verification/server-submission';

/** RPMin: the partner's server submits the user's materials under a VerifyToken. */
export const submitMaterials = defineAction({
  name: 'SubmitMaterials',
  wire: SUBMIT_WIRE,
  params: z.object({ VerifyToken: z.string().max(128) }).passthrough(),
  async run(ctx, p, call) {
    const materials = readMaterialList(p);
    return { VerifyStatus: await submitWithToken(ctx, { token: p.VerifyToken, materials, accessKeyId: call.accessKeyId }) };
  },
});
