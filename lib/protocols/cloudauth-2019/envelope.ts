import { z } from 'zod';
import type { AppContext } from '../../context';
import type { CallInfo, RpcAction } from '../../actions/action';
import { RpcError } from '../../rpc/errors';
import { ImageFieldError } from '../../verification/reference-compare';
import { getSceneBySceneId, type Scene } from '../../store/scenes';

/**
 * The 2019-03-07 face actions answer in the envelope {RequestId, Code, Message, ResultObject},
 * HTTP 200, with the documented business Code (the vendor's InitFaceVerify / DescribeFaceVerify
 * code tables). Signature, nonce and key problems stay gateway errors (HTTP 4xx) as for every version.
 */
export const CODES = {
  '200': 'success',
  '400': '参数不能为空',
  '401': '参数非法',
  '404': '认证场景配置不存在',
  '406': '无效的CertifyId',
  '410': '未开通服务',
  '417': '无法使用刷脸服务',
  '424': '身份认证记录不存在',
  '500': '系统错误',
} as const;
export type Code2019 = keyof typeof CODES;

/** A documented non-200 answer; the message says what is wrong (in Chinese as the vendor, with the parameter name). */
export class Answer2019 extends Error {
  constructor(
    readonly code: Code2019,
    detail?: string,
  ) {
    super(detail ? `${CODES[code]}: ${detail}` : CODES[code]);
  }
}

/** The zod issue as the documented code: an absent required parameter is 400, anything else 401. */
export function answerForIssue(error: z.ZodError): Answer2019 {
  const issue = error.issues[0]!;
  const name = issue.path.map(String).join('.') || 'parameter';
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  return missing ? new Answer2019('400', name) : new Answer2019('401', `${name}: ${issue.message}`);
}

/** Image intake errors (lib/verification/image-input.ts, the engine) in the 2019 vocabulary. */
function imageAnswer(e: unknown): Answer2019 | null {
  if (e instanceof RpcError) {
    if (e.code === 'InvalidParam.OssNotSupported') return new Answer2019('410', e.message);
    if (e.code === 'ServiceUnavailable' || e.code === 'InternalError') return null;
    if (e.code.startsWith('InvalidParam.') || e.code === 'Error.NoFaceDetected') return new Answer2019('401', e.message);
  }
  if (e instanceof ImageFieldError) {
    if (e.code === 'IMAGE_TOO_LARGE' || e.code === 'IMAGE_DIMENSIONS_TOO_LARGE' || e.code === 'NOT_AN_IMAGE') return new Answer2019('401', `${e.field}: ${e.code}`);
    return new Answer2019('500', 'the face engine is busy or unavailable');
  }
  return null;
}

/** Every parameter arrives as a string; `SceneId` is a Long on the wire. */
export const sceneIdParam = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, 'a positive integer')
  .transform(Number);

/** The scene a SceneId names (enabled), else Code 404. */
export async function sceneForId(ctx: AppContext, sceneId: number): Promise<Scene> {
  const scene = await getSceneBySceneId(ctx.db, sceneId);
  if (!scene || !scene.enabled) throw new Answer2019('404', `SceneId ${sceneId}`);
  return scene;
}

/** OSS references are refused clearly: this server has no OSS (send the image inline or as an allowed URL). */
export function refuseOss(p: Record<string, unknown>, ...names: string[]): void {
  const given = names.filter((n) => p[n] !== undefined && p[n] !== '');
  if (given.length) throw new Answer2019('410', `${given.join(', ')}: OSS is not supported by this server; send the picture as base64 or an allowed https URL`);
}

/**
 * A face action of the 2019 API: its own zod schema over the raw parameters (so wrong input
 * answers the documented 400/401 in the envelope), a handler returning the ResultObject.
 */
export function defineFaceAction<S extends z.ZodType>(def: { name: string; schema: S; run(ctx: AppContext, p: z.infer<S>, call: CallInfo): Promise<Record<string, unknown>> }): RpcAction {
  return {
    name: def.name,
    params: z.record(z.string(), z.string()),
    envelope: (body, requestId) => ({ RequestId: requestId, ...body }),
    async run(ctx, raw, call) {
      try {
        const parsed = def.schema.safeParse(raw);
        if (!parsed.success) throw answerForIssue(parsed.error);
        const result = await def.run(ctx, parsed.data, call);
        return { Code: '200', Message: CODES['200'], ResultObject: result };
      } catch (e) {
        const a = e instanceof Answer2019 ? e : imageAnswer(e);
        if (!a) throw e;
        return { Code: a.code, Message: a.message };
      }
    },
  };
}

/** Optional string parameter: empty counts as absent (the SDKs send what the model holds). */
export const opt = (max: number) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((v) => (v === '' ? undefined : v));
