import type { OutcomeCode, TaskOutcome } from '../../verification/outcome-codes';

/** A detailed return code of seed 003 (resultCode / resultCodeSub / resultMsgSub). */
export interface ZCode {
  resultCode: string;
  resultCodeSub: string;
  resultMsgSub: string;
  /** The unified Code of the envelope this detail travels with. */
  code: 200 | 400 | 403 | 404 | 500;
}

const z = (code: ZCode['code'], resultCode: string, sub: string, text: string): ZCode => ({ code, resultCode, resultCodeSub: sub, resultMsgSub: `${text}（${sub}）` });

/** The Z-codes this server produces (README lists the others as not applicable, with the reason). */
export const Z = {
  Z8100: z(200, 'OK', 'Z8100', '初始化成功'),
  Z8101: z(400, 'INVALID_PARAMETER', 'Z8101', '抱歉，系统出错了，请您稍后再试'),
  Z8105: z(400, 'INVALID_PARAMETER', 'Z8105', '用户身份信息无效，请填写正确的身份信息'),
  Z8102: z(403, 'PRODUCT_NOT_OPEN', 'Z8102', '请去开通产品'),
  Z1102: z(400, 'UNABLE_GET_IMAGE', 'Z1102', '抱歉，您暂时无法使用刷脸服务'),
  Z1112: z(500, 'SYSTEM_ERROR', 'Z1112', '抱歉，系统出错了，请您稍后再试'),
  Z8300: z(200, 'OK', 'Z8300', '认证成功'),
  Z8301: z(400, 'INVALID_PARAMETER', 'Z8301', '抱歉，系统出错了，请您稍后再试'),
  Z1146: z(400, 'NOT_SAME_PERSON', 'Z1146', '抱歉，没有认出您'),
  Z8302: z(403, 'PRODUCT_NOT_OPEN', 'Z8302', '请去开通产品'),
  Z8399: z(500, 'SYSTEM_ERROR', 'Z8399', '抱歉，系统出错了，请稍后再试'),
  Z5137: z(400, 'PROCESSING', 'Z5137', '抱歉，系统出错了，请稍后再试'),
} as const;

/**
 * The seed's Z-codes this server never answers, each with the reason (README "Financial-grade
 * face_verify" lists the same; tests/face-verify.test.ts checks that produced + not produced is
 * exactly the seed's table).
 */
export const Z_NOT_PRODUCED: Record<string, string> = {
  Z8199: 'an unexpected error answers the RPC InternalError (HTTP 500), logged with the RequestId',
  Z1108: "device check of the vendor's native SDK: the page checks the browser itself",
  Z1109: "OS version check of the vendor's native SDK: the page checks the browser itself",
  Z1110: "SDK version check of the vendor's native SDK: there is no SDK to be too old",
  Z1111: "a stage of the vendor's strategy service that does not exist here",
  Z1199: "a stage of the vendor's strategy service that does not exist here",
  Z5101: "a stage of the vendor's strategy service that does not exist here",
  Z5102: "a stage of the vendor's strategy service that does not exist here",
  Z5103: "a stage of the vendor's strategy service that does not exist here",
  Z5199: "a stage of the vendor's strategy service that does not exist here",
  Z1114: 'no per-person failure counter across verifications (attempts are limited per token by the scene)',
};

/**
 * Every core outcome code → the query's Z-code. The query table has one "not passed" code
 * (Z1146, 刷脸认证未通过), so every liveness or comparison failure is Z1146; a missing or
 * face-less reference is the comparison source being unavailable (Z1102). Typed over
 * OutcomeCode: a new core reason without a row does not compile (and tests/face-verify.test.ts
 * checks the runtime list).
 */
export const FACE_VERIFY_RESULTS: Record<OutcomeCode, ZCode> = {
  PASS: Z.Z8300,
  NOT_SAME_PERSON: Z.Z1146,
  NO_REFERENCE_PHOTO: Z.Z1102,
  REFERENCE_PHOTO_NO_FACE: Z.Z1102,
  'REFERENCE_PHOTO_NO_FACE:FacePic': Z.Z1102,
  'REFERENCE_PHOTO_NO_FACE:IDPic': Z.Z1102,
  'REFERENCE_PHOTO_NO_FACE:IdCardFrontPic': Z.Z1102,
  'REFERENCE_PHOTO_NO_FACE:IdCardBackPic': Z.Z1102,
  'REFERENCE_PHOTO_NO_FACE:FaceRetainedPic': Z.Z1102,
  SPOOF_SUSPECTED: Z.Z1146,
  VIRTUAL_CAMERA: Z.Z1146,
  CAPTURE_DISCONTINUITY: Z.Z1146,
  REPLACED_FACE_ATTACK: Z.Z1146,
  LIVENESS_TIMEOUT: Z.Z1146,
  ALIGN_TIMEOUT: Z.Z1146,
  USER_CANCELLED: Z.Z1146,
  NO_FACE: Z.Z1146,
  'NO_FACE_DETECTED:FacePic': Z.Z1146,
  'LIVENESS_ACTION_NOT_DETECTED:blink': Z.Z1146,
  'LIVENESS_ACTION_NOT_DETECTED:mouth_open': Z.Z1146,
  'LIVENESS_ACTION_NOT_DETECTED:turn_left': Z.Z1146,
  'LIVENESS_ACTION_NOT_DETECTED:turn_right': Z.Z1146,
  'LIVENESS_ACTION_NOT_DETECTED:nod': Z.Z1146,
  CAPTURE_NOT_LIVE: Z.Z1146,
  EVIDENCE_INCOMPLETE: Z.Z1146,
  MULTIPLE_FACES: Z.Z1146,
  'MULTIPLE_FACES:FacePic': Z.Z1146,
  LOW_QUALITY: Z.Z1146,
  MAX_ATTEMPTS_EXCEEDED: Z.Z1146,
  MANUAL_REVIEW_REJECTED: Z.Z1146,
};

/** query: no decision yet is Z5137 (processing); a token that expired unused is final (Z1146). */
export function queryZCode(o: TaskOutcome): ZCode {
  if (o.progress === 'passed') return Z.Z8300;
  if (o.progress === 'not_started' || o.progress === 'in_progress') return Z.Z5137;
  if (o.progress === 'expired') return Z.Z1146;
  return (o.code && FACE_VERIFY_RESULTS[o.code]) || Z.Z1146;
}
