import { z } from 'zod';
import { defineAction } from '../../actions/action';
import { RpcError } from '../../rpc/errors';
import { listMaterials } from '../../verification/materials';
import { sceneForCaller } from '../../verification/scene-access';
import type { MaterialType } from '../../verification/materials-param';
import { verifyWithMaterials } from '../../verification/material-verification';
import { createVerification, findOrCreateTask, findTask, readIdentity } from '../../verification/tasks';
import { allowedRedirect } from '../../verification/h5/redirect';
import { checkCallbackUrl, clearCallbackTarget, registerCallbackTarget } from '../../verification/callbacks/targets';
import { signMediaUrl } from '../../security/signed-url';
import { opt } from './envelope';

/**
 * The other 2019-03-07 family (DescribeVerifyToken / DescribeVerifyResult / VerifyMaterial):
 * `BizType` is the scene (our `Biz`), `BizId` the ticket. These answer without a Code envelope
 * ({RequestId, …fields}), and errors are the gateway's RPC errors with their HTTP status, as the SDK types them.
 */
const ids = { BizType: z.string().min(1).max(64), BizId: z.string().min(1).max(128) };

const redirect = (raw: string | undefined, origins: readonly string[], name: string) => {
  if (!raw) return null;
  const ok = allowedRedirect(raw, origins);
  if (!ok) throw new RpcError('InvalidParameter', `${name}: its origin is not in the scene's redirectOrigins`);
  return ok;
};

export const describeVerifyToken = defineAction({
  name: 'DescribeVerifyToken',
  params: z
    .object({
      ...ids,
      Name: opt(64),
      IdCardNumber: opt(32),
      FaceRetainedImageUrl: opt(2048),
      IdCardFrontImageUrl: opt(2048),
      IdCardBackImageUrl: opt(2048),
      PassedRedirectUrl: opt(2048),
      FailedRedirectUrl: opt(2048),
      CallbackUrl: opt(2048),
      CallbackSeed: opt(128),
      UserId: opt(128),
      UserIp: opt(64),
      UserPhoneNumber: opt(32),
      UserRegistTime: opt(20),
    })
    .passthrough(),
  envelope: (body, requestId) => ({ RequestId: requestId, ...body }),
  async run(ctx, p, call) {
    const scene = await sceneForCaller(ctx.db, p.BizType, call.accessKeyId, 'start');
    const passed = redirect(p.PassedRedirectUrl, scene.settings.redirectOrigins, 'PassedRedirectUrl');
    const failed = redirect(p.FailedRedirectUrl, scene.settings.redirectOrigins, 'FailedRedirectUrl');
    if (p.CallbackUrl) {
      const ok = await checkCallbackUrl(p.CallbackUrl, scene.settings.callbackOrigins, ctx.config.fetchPrivateNetworks);
      if (!ok.ok) throw new RpcError('InvalidParameter', `CallbackUrl is not allowed (${ok.problem}): its origin must be in the scene's callbackOrigins and resolve to a public address`);
    }
    const { token, taskId } = await createVerification(ctx, {
      biz: p.BizType,
      ticketId: p.BizId,
      accessKeyId: call.accessKeyId,
      binding: { name: p.Name, identificationNumber: p.IdCardNumber, images: { FaceRetainedPic: p.FaceRetainedImageUrl, IdCardFrontPic: p.IdCardFrontImageUrl, IdCardBackPic: p.IdCardBackImageUrl } },
    });
    if (p.CallbackUrl) await registerCallbackTarget(ctx, { taskId, protocol: 'cloudauth_2019_token', accessKeyId: call.accessKeyId, url: p.CallbackUrl, secret: p.CallbackSeed ?? null });
    else await clearCallbackTarget(ctx.db, taskId);
    let url = `${ctx.config.publicUrl}/verify?token=${token}`;
    if (passed) url += `&successRedirect=${encodeURIComponent(passed)}`;
    if (failed) url += `&failRedirect=${encodeURIComponent(failed)}`;
    return { VerifyToken: token, VerifyPageUrl: url };
  },
});

/** Signed URLs (one hour) of the task's images, and the identity, as the SDK's Material. */
async function material(ctx: Parameters<typeof describeVerifyToken.run>[0], task: NonNullable<Awaited<ReturnType<typeof findTask>>>) {
  const identity = readIdentity(ctx, task);
  const m: Record<string, unknown> = {};
  if (identity.name) m.IdCardName = identity.name;
  if (identity.identificationNumber) m.IdCardNumber = identity.identificationNumber;
  const mats = await listMaterials(ctx.db, task.id);
  const url = (kind: string) => {
    const row = mats.filter((x) => x.kind === kind).at(-1);
    return row ? signMediaUrl(ctx.config.publicUrl, ctx.keys.urlSigning, row.id) : undefined;
  };
  // FacePic is the kept live face only after a pass (before it, the partner's own picture).
  if (task.status_code === 1 && url('FacePic')) m.FaceImageUrl = url('FacePic');
  const front = url('IdCardFrontPic');
  const back = url('IdCardBackPic');
  if (front || back) m.IdCardInfo = { ...(front ? { FrontImageUrl: front } : {}), ...(back ? { BackImageUrl: back } : {}) };
  return m;
}

export const describeVerifyResult = defineAction({
  name: 'DescribeVerifyResult',
  params: z.object(ids).passthrough(),
  envelope: (body, requestId) => ({ RequestId: requestId, ...body }),
  async run(ctx, p) {
    const task = await findTask(ctx.db, p.BizType, p.BizId);
    if (!task) throw new RpcError('InvalidParam.RecordNotFound', `No verification record for BizType ${p.BizType} and this BizId`);
    // VerifyStatus: -1 not started, 0 in progress, 1 passed, 2 failed (the task's StatusCode).
    return { VerifyStatus: task.status_code, ...(task.similarity_score !== null ? { FaceComparisonScore: task.similarity_score } : {}), Material: await material(ctx, task) };
  },
});

export const verifyMaterial = defineAction({
  name: 'VerifyMaterial',
  params: z
    .object({ ...ids, Name: z.string().min(1).max(64), IdCardNumber: z.string().min(1).max(32), FaceImageUrl: z.string().min(1).max(3 * 1024 * 1024), IdCardFrontImageUrl: z.string().min(1).max(3 * 1024 * 1024), IdCardBackImageUrl: opt(3 * 1024 * 1024), UserId: opt(128) })
    .passthrough(),
  envelope: (body, requestId) => ({ RequestId: requestId, ...body }),
  async run(ctx, p, call) {
    const scene = await sceneForCaller(ctx.db, p.BizType, call.accessKeyId, 'start');
    const materials = new Map<MaterialType, string>([
      ['Name', p.Name],
      ['IdentificationNumber', p.IdCardNumber],
      ['FacePic', p.FaceImageUrl],
      ['IdCardFrontPic', p.IdCardFrontImageUrl],
    ]);
    if (p.IdCardBackImageUrl) materials.set('IdCardBackPic', p.IdCardBackImageUrl);
    const task = await findOrCreateTask(ctx, p.BizType, p.BizId, `ak:${call.accessKeyId}`);
    const status = await verifyWithMaterials(ctx, { task, scene, materials, actor: `ak:${call.accessKeyId}`, lane: 'batch' });
    const after = (await findTask(ctx.db, p.BizType, p.BizId))!;
    return { VerifyStatus: status.StatusCode, ...(status.SimilarityScore !== undefined ? { IdCardFaceComparisonScore: status.SimilarityScore } : {}), Material: await material(ctx, after) };
  },
});
