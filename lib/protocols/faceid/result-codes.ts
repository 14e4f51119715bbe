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
