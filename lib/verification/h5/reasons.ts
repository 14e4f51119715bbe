import type { LivenessAction } from '../../store/scenes';

/**
 * Reason codes written to AuditConclusions (and shown, translated, on the result screen).
 * Stable strings: partners act on them.
 */
export type ReasonCode =
  | 'LIVENESS_TIMEOUT'
  | 'ALIGN_TIMEOUT'
  | 'USER_CANCELLED'
  | 'EVIDENCE_INCOMPLETE'
  | 'NO_FACE'
  | 'MULTIPLE_FACES'
  | 'LOW_QUALITY'
  | `LIVENESS_ACTION_NOT_DETECTED:${LivenessAction}`
  | 'CAPTURE_NOT_LIVE'
  | 'CAPTURE_DISCONTINUITY'
  | 'VIRTUAL_CAMERA'
  | 'REPLACED_FACE_ATTACK'
  | 'SPOOF_SUSPECTED'
  | 'NO_REFERENCE_PHOTO'
  | 'REFERENCE_PHOTO_NO_FACE'
  | 'NOT_SAME_PERSON'
  | 'MAX_ATTEMPTS_EXCEEDED'
  /** A reviewer rejected the record (manual review, lib/verification/review.ts). */
  | 'MANUAL_REVIEW_REJECTED';

/**
 * Failures a genuine user can fix by trying again (light, timing, a missed action) use up one
 * attempt and allow another while the scene's maxAttempts lasts. Failures that point at an
 * attack or at the reference (another face, a spoof, a mismatch, no reference) end the task at
 * once: retrying would only let an attacker probe the thresholds. The partner can issue a new
 * token for the ticket after a failure.
 */
export function isRetryable(reason: ReasonCode): boolean {
  return (
    reason === 'LIVENESS_TIMEOUT' ||
    reason === 'ALIGN_TIMEOUT' ||
    reason === 'USER_CANCELLED' ||
    // A stalled mobile network also breaks the live cadence: one more attempt, not a verdict.
    reason === 'CAPTURE_NOT_LIVE' ||
    reason === 'EVIDENCE_INCOMPLETE' ||
    reason === 'NO_FACE' ||
    reason === 'MULTIPLE_FACES' ||
    reason === 'LOW_QUALITY' ||
    reason.startsWith('LIVENESS_ACTION_NOT_DETECTED:')
  );
}
