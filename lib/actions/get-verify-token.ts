import { z } from 'zod';
import { RpcError } from '../rpc/errors';
import { defineAction } from './action';
import { createVerification, type BindingInput } from '../verification/tasks';

const binding = z
  .string()
  .max(8 * 1024 * 1024)
  .transform((s, c) => {
    try {
      const v = JSON.parse(s) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      /* reported below */
    }
    c.addIssue({ code: 'custom', message: 'Binding must be a JSON object string' });
    return z.NEVER;
  });

export const getVerifyToken = defineAction({
  name: 'GetVerifyToken',
  params: z.object({
    Biz: z.string().min(1).max(64),
    TicketId: z.string().min(1).max(128),
    Binding: binding.optional(),
    UserData: z.string().max(4096).optional(),
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
