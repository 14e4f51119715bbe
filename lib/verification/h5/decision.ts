import type { LivenessAction } from '../../store/scenes';
import { checkActions, checkBestFrame, checkFaceCounts, checkSamePerson, livenessMedian, type FaceFacts, type FrameFacts } from './checks';
import { isRetryable, type ReasonCode } from './reasons';

export interface Scoring {
  cosine(a: Float32Array, b: Float32Array): number;
  /** Cosine → 0–100 SimilarityScore. */
  similarityScore(cosine: number): number;
  /** Minimum SimilarityScore at a security level (1–4 = FAR 1e-3 … 1e-6). */
  passThreshold(level: 1 | 2 | 3 | 4): number;
}

export interface DecisionInput {
  challenges: readonly LivenessAction[];
  frames: readonly FrameFacts[];
  /** The reference photo's main face; null when the task has none, `{ face: undefined }` when no face was found in it. */
  reference: { face?: FaceFacts } | null;
  securityLevel: 1 | 2 | 3 | 4;
  /** Minimum median P(live) (scene livenessThreshold, else the engine's default). 0 disables. */
  livenessThreshold: number;
  scoring: Scoring;
}

export interface Decision {
  passed: boolean;
  reason: ReasonCode | null;
  /** Final for the task (passed, or a failure that ends it) vs. one attempt failed. */
  retryable: boolean;
  similarityScore: number | null;
  /** Numbers for the audit trail (no images, no embeddings). */
  metrics: { livenessMedian: number | null; livenessThreshold: number; similarityThreshold?: number };
}

/**
 * The verdict, in a fixed order: the evidence must be a live, consistent, single person doing the
 * challenged actions before it is compared with the reference photo at all.
 */
export function decide(input: DecisionInput): Decision {
  const { frames, scoring } = input;
  const live = livenessMedian(frames);
  const metrics: Decision['metrics'] = { livenessMedian: live, livenessThreshold: input.livenessThreshold };
  const fail = (reason: ReasonCode, similarityScore: number | null = null): Decision => ({ passed: false, reason, retryable: isRetryable(reason), similarityScore, metrics });

  const best = frames.find((f) => f.role === 'best');
  if (!best) return fail('EVIDENCE_INCOMPLETE');
  const counts = checkFaceCounts(frames);
  if (counts) return fail(counts);
  const quality = checkBestFrame(best.face!);
  if (quality) return fail(quality);
  // Identity across frames at the most permissive level's bar (FAR 1e-3 per comparison).
  const sameBar = scoring.passThreshold(1);
  const same = checkSamePerson(frames, (a, b) => scoring.similarityScore(scoring.cosine(a, b)) >= sameBar);
  if (same) return fail(same);
  const actions = checkActions(frames, input.challenges);
  if (actions) return fail(actions);
  if (input.livenessThreshold > 0 && (live === null || live < input.livenessThreshold)) return fail('SPOOF_SUSPECTED');

  if (!input.reference) return fail('NO_REFERENCE_PHOTO');
  const ref = input.reference.face?.embedding;
  if (!ref) return fail('REFERENCE_PHOTO_NO_FACE');
  const score = round2(scoring.similarityScore(scoring.cosine(best.face!.embedding!, ref)));
  const threshold = scoring.passThreshold(input.securityLevel);
  metrics.similarityThreshold = threshold;
  if (score < threshold) return fail('NOT_SAME_PERSON', score);
  return { passed: true, reason: null, retryable: false, similarityScore: score, metrics };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
