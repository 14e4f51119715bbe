// Cosine → SimilarityScore (0–100) on the vendor's scale, and the thresholds derived from it.
// Anchors come from lib/biometrics/calibration.json (scripts/calibrate.ts): the score is 70 at
// the cosine where the false-accept rate is 1e-2, 80 at 1e-3, 90 at 1e-4, 95 at 1e-5, 98 at 1e-6,
// linear in between, 0 at cosine −1 and 100 at cosine 1.
import calibrationJson from './calibration.json';

export interface CalibrationAnchor {
  far: number;
  cosine: number;
  score: number;
  basis: 'measured' | 'extrapolated';
  impostorsAbove?: number;
}

export interface Calibration {
  description: string;
  generatedAt: string;
  data: Record<string, number>;
  tailModel: Record<string, number | string>;
  anchors: CalibrationAnchor[];
}

const calibration = calibrationJson as Calibration;

/** [cosine, score] knots, strictly increasing in both. */
const KNOTS: ReadonlyArray<readonly [number, number]> = [
  [-1, 0],
  ...[...calibration.anchors].sort((a, b) => a.cosine - b.cosine).map((a) => [a.cosine, a.score] as const),
  [1, 100],
];

export function similarityScore(cosine: number): number {
  if (!Number.isFinite(cosine)) return 0;
  const c = Math.min(1, Math.max(-1, cosine));
  for (let i = 1; i < KNOTS.length; i++) {
    const [c1, s1] = KNOTS[i]!;
    if (c <= c1) {
      const [c0, s0] = KNOTS[i - 1]!;
      return s0 + ((s1 - s0) * (c - c0)) / (c1 - c0 || 1);
    }
  }
  return 100;
}

/** The score at which the false-accept rate is `far` (must be one of the calibrated FARs). */
export function scoreAtFar(far: number): number {
  const a = calibration.anchors.find((x) => Math.abs(x.far - far) <= far * 1e-9);
  if (!a) throw new RangeError(`FAR ${far} is not calibrated`);
  return a.score;
}

/** Cosine threshold for a calibrated FAR (accept when cosine ≥ it). */
export function cosineAtFar(far: number): number {
  const a = calibration.anchors.find((x) => Math.abs(x.far - far) <= far * 1e-9);
  if (!a) throw new RangeError(`FAR ${far} is not calibrated`);
  return a.cosine;
}

/** CompareFaces' ConfidenceThresholds: a JSON *string* (the official SDK parses it as a string). */
export function confidenceThresholds(): string {
  const f = (far: number) => scoreAtFar(far).toFixed(2);
  return JSON.stringify({ '0.0001': f(1e-4), '0.001': f(1e-3), '0.01': f(1e-2) });
}

/** FaceID security_level 1–4 = FAR 1e-3, 1e-4, 1e-5, 1e-6 → minimum SimilarityScore to pass. */
export function passThresholdForSecurityLevel(level: 1 | 2 | 3 | 4): number {
  const far = { 1: 1e-3, 2: 1e-4, 3: 1e-5, 4: 1e-6 }[level];
  if (far === undefined) throw new RangeError(`security level must be 1–4, got ${level}`);
  return scoreAtFar(far);
}

/** Which calibrated FARs were measured on real impostor pairs and which were extrapolated. */
export function calibrationInfo(): Readonly<Calibration> {
  return calibration;
}

/**
 * Default P(live) threshold for the passive anti-spoof model (accept when liveness ≥ it).
 * 0.5 is the model's own decision boundary (live vs the two spoof classes); it was not tuned
 * on our handful of samples. Override with env LIVENESS_THRESHOLD (0–1).
 */
export const DEFAULT_LIVENESS_THRESHOLD = 0.5;
export const LIVENESS_THRESHOLD: number = (() => {
  const v = Number.parseFloat(process.env.LIVENESS_THRESHOLD ?? '');
  return Number.isFinite(v) && v >= 0 && v <= 1 ? v : DEFAULT_LIVENESS_THRESHOLD;
})();
