import { isValidIdNumber, isValidName } from '../../verification/id-number';
import { sniffImageMime } from '../../verification/image-input';
import { decodeBase64Text } from '../../verification/base64-image';
import { policyScene } from '../../verification/policy-scenes';
import { createProtocolVerification, verifyPageUrl } from '../../verification/protocol-tasks';
import { uprightReference } from '../../verification/reference-compare';
import { allowedRedirect } from '../../verification/h5/redirect';
import type { ImageKind } from '../../verification/materials';
import { badArgument, FaceIdError, missingArgument, tooLarge } from './errors';
import type { FaceIdCall, FaceIdEndpoint } from './handle';
import { MAX_IMAGE_BYTES, textParam, type GatewayRequest } from './request';
import { faceIdSettings } from './settings';

/**
 * The decision compares the live face with one reference, the core's FacePic: image_ref1, else
 * image_ref2. With both, image_ref2 is kept under its own material kind, which no core decision
 * reads, and get_result compares it with the kept live face after a pass.
 */
export const REFERENCE_PARAMS = ['image_ref1', 'image_ref2'] as const;
export type ReferenceParam = (typeof REFERENCE_PARAMS)[number];
export const SECOND_REFERENCE_KIND = 'FaceIdRef2';

function required(req: GatewayRequest, key: string): string {
  const v = textParam(req, key);
  if (v === undefined || v.trim() === '') throw missingArgument(key);
  return v;
}

function intParam(req: GatewayRequest, key: string, min: number, max: number, dflt: number): number {
  const v = textParam(req, key);
  if (v === undefined || v === '') return dflt;
  if (!/^\d{1,6}$/.test(v.trim())) throw badArgument(key, 'not an integer');
  const n = Number(v.trim());
  if (n < min || n > max) throw badArgument(key, `must be ${min}-${max}`);
  return n;
}

/** A reference photo: a file part, or base64 text in a form field. */
function imageParam(req: GatewayRequest, key: ReferenceParam): Buffer | undefined {
  const v = req.params.get(key);
  if (!v) return undefined;
  let data: Buffer;
  if ('file' in v) data = v.file;
  else {
    if (v.text.trim() === '') return undefined;
    const decoded = decodeBase64Text(v.text, MAX_IMAGE_BYTES);
    if (decoded === 'malformed') throw new FaceIdError(400, `IMAGE_ERROR_UNSUPPORTED_FORMAT:${key}`, 'not base64');
    if (decoded === 'too_large') throw tooLarge();
    data = decoded;
  }
  if (data.length > MAX_IMAGE_BYTES) throw tooLarge();
  if (data.length === 0 || !sniffImageMime(data)) throw new FaceIdError(400, `IMAGE_ERROR_UNSUPPORTED_FORMAT:${key}`);
  return data;
}

export const getBizToken: FaceIdEndpoint = {
  method: 'POST',
  authError: 'AUTHENTICATION_ERROR',
  limitStatus: 403,
  async run({ ctx, req, accessKeyId }: FaceIdCall) {
    const livenessType = required(req, 'liveness_type');
    if (livenessType !== 'meglive') throw badArgument('liveness_type', 'only meglive (action liveness) is supported');
    const name = required(req, 'idcard_name');
    if (!isValidName(name)) throw badArgument('idcard_name');
    const idNumber = required(req, 'idcard_number');
    if (!isValidIdNumber(idNumber)) throw badArgument('idcard_number', 'not a valid resident ID number');
    const bizNo = textParam(req, 'biz_no');
    if (bizNo !== undefined && Buffer.byteLength(bizNo) > 128) throw badArgument('biz_no', 'longer than 128 bytes');
    const timeout = intParam(req, 'liveness_timeout', 5, 600, 60);
    const actionCount = intParam(req, 'liveness_action_count', 1, 3, 3);
    const securityLevel = intParam(req, 'security_level', 1, 4, 2) as 1 | 2 | 3 | 4;
    intParam(req, 'force_compare', 0, 1, 0);
    const rotate = intParam(req, 'multi_oriented_detection', 0, 1, 1) === 1;

    const settings = faceIdSettings();
    const policy = await policyScene(ctx.db, settings.scene, { actionCount, timeoutSeconds: timeout, securityLevel });
    if (!policy.ok && policy.reason === 'SCENE_UNAVAILABLE') throw new FaceIdError(403, 'AUTHORIZATION_ERROR:SCENE_UNAVAILABLE', `scene ${settings.scene} (FACEID_SCENE) is missing or disabled`);
    if (!policy.ok) throw badArgument('liveness_action_count', `scene ${settings.scene} has fewer actions`);
    // Documented addition: where the page sends the browser back (both outcomes), only to the scene's redirect origins.
    const returnUrl = textParam(req, 'return_url');
    const back = returnUrl ? allowedRedirect(returnUrl, policy.scene.settings.redirectOrigins) : null;
    if (returnUrl && !back) throw badArgument('return_url', 'origin not in the scene redirectOrigins');

    const refs: ReferenceParam[] = [];
    const refImages: Buffer[] = [];
    for (const key of REFERENCE_PARAMS) {
      const data = imageParam(req, key);
      if (!data) continue;
      const upright = await uprightReference(data, key, { rotate });
      if (!upright) throw new FaceIdError(400, `NO_FACE_FOUND:${key}`);
      refs.push(key);
      refImages.push(upright.data);
    }
    const images: Partial<Record<ImageKind, Buffer>> = refImages[0] ? { FacePic: refImages[0] } : {};

    const { token } = await createProtocolVerification(ctx, {
      protocol: 'faceid',
      accessKeyId,
      biz: policy.scene.biz,
      externalId: bizNo ?? null,
      name,
      idNumber,
      images,
      extraMaterials: refImages[1] ? { [SECOND_REFERENCE_KIND]: refImages[1] } : undefined,
      options: { refs },
    });
    return { biz_token: token, verify_url: verifyPageUrl(ctx, token, back) };
  },
};
