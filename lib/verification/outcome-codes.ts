import type { ReasonCode } from './h5/reasons';
import type { ImageKind } from './materials';
import type { ResolvedToken } from './tokens';

/**
 * Every value the core writes to a task's AuditConclusions: the H5 decision's reason codes
 * (lib/verification/h5/reasons.ts), 'PASS', and the RPMin / SubmitVerification codes of
 * lib/verification/material-verification.ts. Protocol families map *this* type, in a
 * `Record<OutcomeCode, …>`, so a new core code without a mapping does not compile.
 */
export type OutcomeCode = 'PASS' | ReasonCode | 'NO_FACE_DETECTED:FacePic' | 'MULTIPLE_FACES:FacePic' | `REFERENCE_PHOTO_NO_FACE:${ImageKind}`;

/** Where a task stands, as the protocols that poll it need to know. */
export type TaskProgress =
  /** token issued, no attempt yet */
  | 'not_started'
  | 'in_progress'
  /** the token expired before any decision */
  | 'expired'
  | 'passed'
  | 'failed';

export interface TaskOutcome {
  progress: TaskProgress;
  /** The stored reason (failed tasks); null otherwise or when the core wrote none. */
  code: OutcomeCode | null;
  similarityScore: number | null;
}

/** Reads a task's stored outcome (never decides anything). */
export function taskOutcome(resolved: ResolvedToken): TaskOutcome {
  const task = resolved.task!;
  const similarityScore = task.similarity_score;
  if (task.status_code === 1) return { progress: 'passed', code: null, similarityScore };
  if (task.status_code === 2) return { progress: 'failed', code: (task.audit_conclusions as OutcomeCode | null) ?? null, similarityScore };
  if (resolved.state === 'expired') return { progress: 'expired', code: null, similarityScore: null };
  return { progress: task.status_code === 0 ? 'in_progress' : 'not_started', code: null, similarityScore: null };
}
