import { z } from 'zod';
import { RpcError } from '../rpc/errors';
import { defineAction } from './action';
import { QUERY_WIRE } from './cloudauth-2018';
import { createVerification, type BindingInput } from '../verification/tasks';

/** A parameter holding a JSON object as a string (Binding, VerifyConfigs). */
const jsonObject = (name: string, maxBytes: number) =>
  z
    .string()
    .max(maxBytes)
    .transform((s, c) => {
      try {
        const v = JSON.parse(s) as unknown;
        if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
      } catch {
        /* reported below */
      }
      c.addIssue({ code: 'custom', message: `${name} must be a JSON object string` });
      return z.NEVER;
    });

export const getVerifyToken = defineAction({
  name: 'GetVerifyToken',
  wire: QUERY_WIRE,
  params: z.object({
    Biz: z.string().max(64),
    TicketId: z.string().max(128),
    Binding: jsonObject('Binding', 8 * 1024 * 1024).optional(),
    UserData: z.string().max(4096).optional(),
    // 2018-08-07: accepted and checked to be a JSON object; no key of it changes what we do (README).
    VerifyConfigs: jsonObject('VerifyConfigs', 4096).optional(),
  }),
  async run(ctx, p, call) {
    const b = (p.Binding ?? {}) as Record<string, unknown>;
    const str = (k: string) => {
      const v = b[k];
      if (v === undefined || v === null || v === '') return undefined;
      if (typeof v !== 'string') throw new RpcError('InvalidParam.Binding', `Binding.${k} must be a string`);
      return v;
    };
    const input: BindingInput = {
      name: str('Name'),
      identificationNumber: str('IdentificationNumber'),
      images: {
        FacePic: str('FacePic'),
        IDPic: str('IDPic'),
        IdCardFrontPic: str('IdCardFrontPic'),
        IdCardBackPic: str('IdCardBackPic'),
        FaceRetainedPic: str('FaceRetainedPic'),
      },
    };
    const { token, taskId } = await createVerification(ctx, { biz: p.Biz, ticketId: p.TicketId, binding: input, userData: p.UserData, accessKeyId: call.accessKeyId });
    void taskId;
    return {
      VerifyToken: { Token: token, DurationSeconds: 1800 },
      CloudauthPageUrl: `${ctx.config.publicUrl}/verify?token=${token}`,
    };
  },
});
