import type { OutcomeCode } from '../../verification/outcome-codes';
import { MANUAL_REJECT_REASON } from '../../verification/review';

/**
 * ResultObject.SubCode of DescribeFaceVerify (and the server-only actions, and the callback's
 * `subcode`) from the core's stored outcome. Vendor table: 200 passed, 201 name/ID mismatch,
 * 202 identity not found, 203 no usable comparison photo, 204 face mismatch, 205 liveness risk,
 * 206 business policy limit. 201/202 need an authority database and are never produced.
 * Typed as a Record over OutcomeCode: a new core reason without a row does not compile.
 * Passed ("T"/"F") is always the verdict; SubCode explains it.
 */
export type SubCode = '200' | '203' | '204' | '205' | '206';

const NO_PHOTO: SubCode = '203';
const MISMATCH: SubCode = '204';
const LIVENESS: SubCode = '205';
const POLICY: SubCode = '206';

export const SUB_CODES: Record<OutcomeCode, SubCode> = {
  PASS: '200',
  NOT_SAME_PERSON: MISMATCH,
  // No comparison photo, or none with a face (no authority database to fall back on).
  NO_REFERENCE_PHOTO: NO_PHOTO,
  REFERENCE_PHOTO_NO_FACE: NO_PHOTO,
  'REFERENCE_PHOTO_NO_FACE:FacePic': NO_PHOTO,
  'REFERENCE_PHOTO_NO_FACE:IDPic': NO_PHOTO,
  'REFERENCE_PHOTO_NO_FACE:IdCardFrontPic': NO_PHOTO,
  'REFERENCE_PHOTO_NO_FACE:IdCardBackPic': NO_PHOTO,
  'REFERENCE_PHOTO_NO_FACE:FaceRetainedPic': NO_PHOTO,
  // Everything about the live capture: attacks, and captures that did not prove a live person.
  SPOOF_SUSPECTED: LIVENESS,
  VIRTUAL_CAMERA: LIVENESS,
  CAPTURE_DISCONTINUITY: LIVENESS,
  REPLACED_FACE_ATTACK: LIVENESS,
  CAPTURE_NOT_LIVE: LIVENESS,
  LIVENESS_TIMEOUT: LIVENESS,
  ALIGN_TIMEOUT: LIVENESS,
  USER_CANCELLED: LIVENESS,
  EVIDENCE_INCOMPLETE: LIVENESS,
  NO_FACE: LIVENESS,
  'NO_FACE_DETECTED:FacePic': LIVENESS,
  MULTIPLE_FACES: LIVENESS,
  'MULTIPLE_FACES:FacePic': LIVENESS,
  LOW_QUALITY: LIVENESS,
  'LIVENESS_ACTION_NOT_DETECTED:blink': LIVENESS,
  'LIVENESS_ACTION_NOT_DETECTED:mouth_open': LIVENESS,
  'LIVENESS_ACTION_NOT_DETECTED:turn_left': LIVENESS,
  'LIVENESS_ACTION_NOT_DETECTED:turn_right': LIVENESS,
  'LIVENESS_ACTION_NOT_DETECTED:nod': LIVENESS,
  // A reviewer's rejection (manual review): a policy decision.
  MANUAL_REVIEW_REJECTED: POLICY,
  // The scene's attempt limit: a policy, not a verdict on the face.
  MAX_ATTEMPTS_EXCEEDED: POLICY,
};

/** A final outcome's SubCode (a reviewer's rejection of a machine pass is the operator's policy: 206). */
export function subCodeFor(statusCode: 1 | 2, reason: string | null): SubCode {
  if (statusCode === 1) return '200';
  if (reason === MANUAL_REJECT_REASON) return POLICY;
  // A stored code the table does not know (a newer core) is still a failure of the capture.
  return (reason && SUB_CODES[reason as OutcomeCode]) || LIVENESS;
}
