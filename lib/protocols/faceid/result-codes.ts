import type { OutcomeCode, TaskOutcome } from '../../verification/outcome-codes';

export interface FaceIdResult {
  result_code: 1000 | 2000 | 3000 | 4100 | 4200 | 9000;
  result_message: string;
}

const r = (result_code: FaceIdResult['result_code'], result_message: string): FaceIdResult => ({ result_code, result_message });
const SUCCESS = r(1000, 'SUCCESS');
const NOT_SAME = r(2000, 'PASS_LIVING_NOT_THE_SAME');
const FACE_ATTACK = r(4100, 'FAIL_LIVING_FACE_ATTACK');
const VERIFICATION_FAILURE = r(4200, 'VERIFICATION_FAILURE');
const USER_TIMEOUT = r(4200, 'USER_TIMEOUT');
const ACTION_ERROR = r(4200, 'ACTION_ERROR');
const UNDETECTED_FACE = r(4200, 'UNDETECTED_FACE');
const REFERENCE_NO_FACE = r(3000, 'NO_FACE_FOUND');

/**
 * Every core outcome code → FaceID get_result's result_code / result_message (seed 004's table).
 * Typed as a Record over OutcomeCode: a new core reason without a row here does not compile, and
 * tests/faceid.test.ts checks the runtime list too. The README's FaceID table mirrors it.
 */
export const FACEID_RESULTS: Record<OutcomeCode, FaceIdResult> = {
  PASS: SUCCESS,
  NOT_SAME_PERSON: NOT_SAME,
  // No authority database: the reference is the partner's image_ref. Without one there is nothing to compare with.
  NO_REFERENCE_PHOTO: r(3000, 'NO_ID_PHOTO'),
  REFERENCE_PHOTO_NO_FACE: REFERENCE_NO_FACE,
  'REFERENCE_PHOTO_NO_FACE:FacePic': REFERENCE_NO_FACE,
  'REFERENCE_PHOTO_NO_FACE:IDPic': REFERENCE_NO_FACE,
  'REFERENCE_PHOTO_NO_FACE:IdCardFrontPic': REFERENCE_NO_FACE,
  'REFERENCE_PHOTO_NO_FACE:IdCardBackPic': REFERENCE_NO_FACE,
  'REFERENCE_PHOTO_NO_FACE:FaceRetainedPic': REFERENCE_NO_FACE,
  // Attacks on liveness: a spoof, an injected camera, a cut between recordings.
  SPOOF_SUSPECTED: FACE_ATTACK,
  VIRTUAL_CAMERA: FACE_ATTACK,
  CAPTURE_DISCONTINUITY: FACE_ATTACK,
  REPLACED_FACE_ATTACK: r(4100, 'REPLACED_FACE_ATTACK'),
  // The user did not get through (retryable in the core; final once attempts ran out).
  LIVENESS_TIMEOUT: USER_TIMEOUT,
  ALIGN_TIMEOUT: USER_TIMEOUT,
  USER_CANCELLED: r(4200, 'USER_CANCELLATION'),
  NO_FACE: UNDETECTED_FACE,
  'NO_FACE_DETECTED:FacePic': UNDETECTED_FACE,
  'LIVENESS_ACTION_NOT_DETECTED:blink': ACTION_ERROR,
  'LIVENESS_ACTION_NOT_DETECTED:mouth_open': ACTION_ERROR,
  'LIVENESS_ACTION_NOT_DETECTED:turn_left': ACTION_ERROR,
  'LIVENESS_ACTION_NOT_DETECTED:turn_right': ACTION_ERROR,
  'LIVENESS_ACTION_NOT_DETECTED:nod': ACTION_ERROR,
  // A stalled network also breaks the live cadence: reported as a failed verification, not an attack.
  CAPTURE_NOT_LIVE: VERIFICATION_FAILURE,
  EVIDENCE_INCOMPLETE: VERIFICATION_FAILURE,
  MULTIPLE_FACES: VERIFICATION_FAILURE,
  'MULTIPLE_FACES:FacePic': VERIFICATION_FAILURE,
  LOW_QUALITY: VERIFICATION_FAILURE,
  MAX_ATTEMPTS_EXCEEDED: VERIFICATION_FAILURE,
  MANUAL_REVIEW_REJECTED: VERIFICATION_FAILURE,
};

/**
 * Seed 004's get_result messages this server never answers, with the reason (README "FaceID v1.2"
 * lists the same; tests/faceid.test.ts checks produced + not produced = the seed's table). Keyed `<result_code> <result_message>`.
 */
export const FACEID_NOT_PRODUCED: Record<string, string> = {
  '3000 NO_ID_CARD_NUMBER': 'no authority database',
  '3000 ID_NUMBER_NAME_NOT_MATCH': 'no authority database',
  '3000 PHOTO_FORMAT_ERROR': 'no authority database (a bad image_ref is refused by get_biz_token)',
  '3000 DATA_SOURCE_ERROR': 'no authority database',
  '4200 BIZ_TOKEN_DENIED': 'an unknown or foreign biz_token is 400 BAD_ARGUMENTS:biz_token',
  '4200 AUTHENTICATION_FAIL': 'authentication failures are HTTP 403 errors',
  '4200 MOBILE_PHONE_NOT_SUPPORT': "a native-SDK condition: the page has its own browser screens",
  '4200 SDK_TOO_OLD': 'a native-SDK condition: there is no SDK',
  '4200 MOBILE_PHONE_NO_AUTHORITY': "a native-SDK condition: the page has its own camera-permission screen",
  '5000 IP_NOT_ALLOWED': 'account conditions are HTTP errors here',
  '5000 NON_ENTERPRISE_CERTIFICATION': 'no billing or account certification',
  '5000 BALANCE_NOT_ENOUGH': 'no billing',
  '5000 MORE_RETRY_TIMES': "a stage of the vendor's SDK configuration that does not exist here",
  '5000 ACCOUNT_DISCONTINUED': 'a disabled key is 403 AUTHORIZATION_ERROR:APP_KEY_DISABLED',
  '5000 EXPIRED_SIGN': 'a stale timestamp is HTTP 403',
  '5000 INVALID_SIGN': 'a bad signature is HTTP 403',
  '5000 REPLAY_ATTACK': 'a used nonce is HTTP 403',
  // 6000: the native SDK's own failures on the device; the page shows its own screens for these.
  ...Object.fromEntries(
    ['USER_CANCEL', 'NO_CAMERA_PERMISSION', 'ILLEGAL_PARAMETER', 'DEVICE_NOT_SUPPORT', 'INVALID_BUNDLE_ID', 'NETWORK_ERROR', 'FACE_INIT_FAIL', 'LIVENESS_DETECT_FAILED', 'NO_SENSOR_PERMISSION', 'INIT_FAILED'].map((m) => [`6000 ${m}`, 'a native-SDK condition on the device: the page has its own screens']),
  ),
};

/** The task has no decision yet (9000 family), or it passed. */
const PROGRESS = {
  not_started: r(9000, 'LIVING_NOT_START'),
  in_progress: r(9000, 'LIVING_IN_PROGRESS'),
  expired: r(9000, 'LIVING_OVERTIME'),
  passed: SUCCESS,
} as const;

export function faceIdResult(o: TaskOutcome): FaceIdResult {
  if (o.progress !== 'failed') return PROGRESS[o.progress];
  // A stored code the table does not know (a newer core writing to an older adapter) is still a failure.
  return (o.code && FACEID_RESULTS[o.code]) || VERIFICATION_FAILURE;
}
