import crypto from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../../context';
import type { CallInfo, RpcAction } from '../../actions/action';
import { recordAudit } from '../../store/audit';
import { getScene, type Scene } from '../../store/scenes';
import { isValidIdNumber, isValidName } from '../../verification/id-number';
import { MAX_IMAGE_BYTES, sniffImageMime } from '../../verification/image-input';
import { taskOutcome } from '../../verification/outcome-codes';
import { decodeBase64Text } from '../../verification/base64-image';
import { allowedRedirect } from '../../verification/h5/redirect';
import { createProtocolVerification, findProtocolTask, latestVerifiedFace, taskImage, verifyPageUrl } from '../../verification/protocol-tasks';
import { compareWithReference, ImageFieldError, uprightReference, type SecurityLevel } from '../../verification/reference-compare';
import { faceVerifyScene } from './settings';
import { queryZCode, Z, type ZCode } from './z-codes';

/** A business answer of face_verify: the unified Code, a message, and the detailed Z-code in Data. */
class FaceVerifyAnswer extends Error {
  constructor(
    readonly z: ZCode,
    readonly detail?: string,
  ) {
    super(detail ?? z.resultMsgSub);
  }
}

const fail = (code: ZCode, detail?: string) => new FaceVerifyAnswer(code, detail);

type Params = Record<string, unknown>;

function str(p: Params, key: string, onMissing: ZCode, max = 256): string {
  const v = p[key];
  if (v === undefined || v === null || v === '') throw fail(onMissing, `${key}不能为空`);
  if (typeof v !== 'string' || v.length > max) throw fail(onMissing, `${key}不合法`);
  return v;
}

function optional(p: Params, key: string, max = 2048): string | undefined {
  const v = p[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > max) throw fail(Z.Z8101, `${key}不合法`);
  return v;
}

function identity(p: Params, onMissing: ZCode): { name: string; certNumber: string } {
  const name = str(p, 'name', onMissing, 64);
  const certNumber = str(p, 'certNumber', onMissing, 32);
  if (!isValidName(name) || !isValidIdNumber(certNumber)) throw fail(Z.Z8105);
  return { name: name.trim(), certNumber: certNumber.trim().toUpperCase() };
}

/** Base64 (standard or url-safe, optional `base64://`) of a JPEG/PNG/WebP/BMP up to 2 MB. */
function image(p: Params, key: string, onBad: ZCode, required: boolean): Buffer | undefined {
  const raw = required ? str(p, key, onBad, 3 * 1024 * 1024) : optional(p, key, 3 * 1024 * 1024);
  if (raw === undefined) return undefined;
  const data = decodeBase64Text(raw, MAX_IMAGE_BYTES);
  if (data === 'malformed') throw fail(onBad, `${key}不是合法的base64`);
  if (data === 'too_large' || data.length > MAX_IMAGE_BYTES) throw fail(onBad, `${key}超过2MB`);
  if (!sniffImageMime(data)) throw fail(onBad, `${key}不是JPEG/PNG/WebP/BMP图片`);
  return data;
}

async function sceneOrClosed(ctx: AppContext, closed: ZCode): Promise<Scene> {
  const biz = faceVerifyScene();
  const scene = await getScene(ctx.db, biz);
  if (!scene || !scene.enabled) throw fail(closed, `FACE_VERIFY_SCENE ${biz} 不存在或已停用`);
  return scene;
}

/** bizId as the vendor shows it: ZSTP + date + digits (when the partner sends none). */
function newBizId(): string {
  const digits = Array.from(crypto.randomBytes(20), (b) => String(b % 10)).join('');
  return `ZSTP${new Date().toISOString().slice(0, 10).replace(/-/g, '')}${digits}`;
}

async function init(ctx: AppContext, p: Params, call: CallInfo): Promise<Record<string, unknown>> {
  const { name, certNumber } = identity(p, Z.Z8101);
  // metainfo comes from the vendor's native SDK; the browser page needs none. Required as documented, not used.
  if (p.metainfo === undefined || p.metainfo === null || p.metainfo === '') throw fail(Z.Z8101, 'metainfo不能为空');
  if (JSON.stringify(p.metainfo).length > 64 * 1024) throw fail(Z.Z8101, 'metainfo不合法');
  const bizIdRaw = optional(p, 'bizId', 64);
  if (bizIdRaw !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(bizIdRaw)) throw fail(Z.Z8101, 'bizId不合法');
  const bizId = bizIdRaw ?? newBizId();
  const scene = await sceneOrClosed(ctx, Z.Z8102);
  const returnUrl = optional(p, 'returnUrl');
  const back = returnUrl ? allowedRedirect(returnUrl, scene.settings.redirectOrigins) : null;
  if (returnUrl && !back) throw fail(Z.Z8101, 'returnUrl的域名不在场景允许的范围内');

  // The comparison source: the partner's referencePicture (documented addition), else this
  // person's latest passed verification with this AccessKey, else none (Z1102).
  let reference = image(p, 'referencePicture', Z.Z8101, false);
  let source = 'referencePicture';
  if (reference) {
    const upright = await uprightReference(reference, 'referencePicture', { rotate: true });
    if (!upright) throw fail(Z.Z8101, 'referencePicture中没有检测到人脸');
    reference = upright.data;
  } else {
    const earlier = await latestVerifiedFace(ctx, call.accessKeyId, name, certNumber);
    if (!earlier) throw fail(Z.Z1102, '没有可比对的照片：请传入referencePicture');
    reference = earlier.data;
    source = 'earlier-verification';
  }
  const { token, taskId } = await createProtocolVerification(ctx, { protocol: 'face_verify', accessKeyId: call.accessKeyId, biz: scene.biz, externalId: bizId, name, idNumber: certNumber, images: { FacePic: reference } });
  await recordAudit(ctx.db, { taskId, actor: `ak:${call.accessKeyId}`, event: 'face_verify.init', detail: { reference: source } });
  return answer(Z.Z8100, { queryId: token, bizId, verifyUrl: verifyPageUrl(ctx, token, back) });
}

async function query(ctx: AppContext, p: Params, call: CallInfo): Promise<Record<string, unknown>> {
  // The vendor's own sample spells it "bizid": both are read.
  const bizId = str(p.bizId === undefined ? { bizId: p.bizid } : p, 'bizId', Z.Z8301, 64);
  const queryId = str(p, 'queryId', Z.Z8301, 128);
  const found = await findProtocolTask(ctx, queryId, 'face_verify', call.accessKeyId);
  if (!found || found.link.external_id !== bizId) throw fail(Z.Z8301, 'queryId与bizId不匹配或不存在');
  const zc = queryZCode(taskOutcome(found.resolved));
  const data: Record<string, unknown> = {};
  const wantImage = p.returnImage === 1 || p.returnImage === '1' || p.returnImage === true || p.returnImage === 'true';
  if (wantImage && zc === Z.Z8300) {
    const live = await taskImage(ctx, found.task.id, 'FacePic');
    if (live) data.image = live.toString('base64url');
  }
  return answer(zc, data);
}

async function match(ctx: AppContext, p: Params, call: CallInfo): Promise<Record<string, unknown>> {
  const { name, certNumber } = identity(p, Z.Z8301);
  const probe = image(p, 'imgbase64', Z.Z8301, true)!;
  const scene = await sceneOrClosed(ctx, Z.Z8302);
  const reference = await latestVerifiedFace(ctx, call.accessKeyId, name, certNumber);
  if (!reference) throw fail(Z.Z1102, '没有此身份的已认证照片');
  const level = scene.settings.securityLevel as SecurityLevel;
  const c = await compareWithReference({ data: probe, field: 'imgbase64' }, { data: reference.data, field: 'reference' }, level);
  if (c.outcome === 'no_face') throw fail(c.which === 'probe' ? Z.Z8301 : Z.Z1102, c.which === 'probe' ? 'imgbase64中没有检测到人脸' : '比对源照片中没有人脸');
  if (c.outcome === 'multiple_faces') throw fail(Z.Z8301, 'imgbase64中有多张人脸');
  await recordAudit(ctx.db, { taskId: reference.taskId, actor: `ak:${call.accessKeyId}`, event: 'face_verify.match', detail: { score: c.similarityScore, threshold: c.threshold, passed: c.passed, securityLevel: level } });
  // A comparison was made: Code 200 with the score either way (seed 003's sample), the verdict in the Z-code.
  const zc = c.passed ? Z.Z8300 : Z.Z1146;
  return { Code: 200, Message: 'OK', Data: { score: c.similarityScore, threshold: c.threshold, passed: c.passed, ...details(zc) } };
}

const details = (zc: ZCode) => ({ resultCode: zc.resultCode, resultCodeSub: zc.resultCodeSub, resultMsgSub: zc.resultMsgSub });

function answer(zc: ZCode, data: Record<string, unknown>, message?: string): Record<string, unknown> {
  return { Code: zc.code, Message: zc.code === 200 ? 'OK' : (message ?? zc.resultMsgSub), Data: { ...data, ...details(zc) } };
}

const METHODS: Readonly<Record<'init' | 'query' | 'match', typeof init>> = Object.freeze({ init, query, match });
const SYSTEM_ERROR = { init: Z.Z1112, query: Z.Z8399, match: Z.Z8399 } as const;

/**
 * Financial-grade face_verify (seed 003) on the RPC endpoint: Action=ExecuteRequest,
 * Version 2017-03-31, signature 1.0 by the shared verifier, Service=face_verify and a JSON
 * ServiceParameters. It answers in the seed's envelope ({RequestId, Code (number), Message,
 * Data}), with the detailed Z-code always in Data (resultCode / resultCodeSub / resultMsgSub).
 */
export const executeRequest: RpcAction = {
  name: 'ExecuteRequest',
  params: z.object({ Service: z.string().max(64).optional(), ServiceParameters: z.string().max(8 * 1024 * 1024).optional() }).passthrough(),
  envelope: (body, requestId) => ({ ...body, RequestId: requestId }),
  async run(ctx, params: { Service?: string; ServiceParameters?: string }, call) {
    if (params.Service !== 'face_verify') return { Code: 404, Message: `参数Service不合法：${params.Service ? '只支持face_verify' : '不能为空'}` };
    let method: keyof typeof METHODS | undefined;
    try {
      let p: unknown;
      try {
        p = JSON.parse(params.ServiceParameters ?? '');
      } catch {
        throw fail(Z.Z8101, 'ServiceParameters不是合法的JSON');
      }
      if (!p || typeof p !== 'object' || Array.isArray(p)) throw fail(Z.Z8101, 'ServiceParameters必须是JSON对象');
      const m = (p as Params).method;
      // Own keys only: `m in METHODS` is also true for "constructor", "toString", "__proto__" …,
      // which would call an Object built-in with the context (key secrets included) and echo it back.
      if (typeof m !== 'string' || !Object.hasOwn(METHODS, m)) throw fail(Z.Z8101, 'method必须是init、query或match');
      method = m as keyof typeof METHODS;
      return await METHODS[method](ctx, p as Params, call);
    } catch (e) {
      if (e instanceof FaceVerifyAnswer) return answer(e.z, {}, e.detail ? `${e.detail}（${e.z.resultCodeSub}）` : undefined);
      if (e instanceof ImageFieldError) {
        if (e.code === 'IMAGE_TOO_LARGE' || e.code === 'IMAGE_DIMENSIONS_TOO_LARGE' || e.code === 'NOT_AN_IMAGE') return answer(method === 'init' ? Z.Z8101 : Z.Z8301, {}, `${e.field}无法解析或尺寸过大`);
        return answer(SYSTEM_ERROR[method ?? 'init'], {});
      }
      throw e;
    }
  },
};
