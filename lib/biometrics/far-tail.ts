// Threshold estimation for false-accept rates below what a few thousand impostor pairs can
// measure. Pure; used by scripts/calibrate.ts.
import { thresholdAtFar } from './roc';

export interface ExponentialTail {
  /** Tail start: the impostor cosine exceeded by a fraction `pu` of impostor pairs. */
  u: number;
  pu: number;
  /** Mean excess over u (exponential scale). */
  beta: number;
  exceedances: number;
}

/**
 * Peaks-over-threshold with an exponential excess distribution (GPD with shape 0):
 * P(X > t) = pu · exp(−(t − u)/β). Embedding cosines are bounded, so their true tail is
 * lighter than exponential (GPD shape < 0); assuming shape 0 overstates the tail and therefore
 * gives higher, conservative thresholds.
 */
export function fitExponentialTail(impostor: readonly number[], tailFraction = 0.05): ExponentialTail {
  const sorted = [...impostor].sort((a, b) => b - a);
  const k = Math.max(20, Math.round(sorted.length * tailFraction));
  if (sorted.length < k + 1) throw new RangeError(`need more than ${k} impostor scores for a tail fit`);
  const u = sorted[k]!;
  let excess = 0;
  for (let i = 0; i < k; i++) excess += sorted[i]! - u;
  return { u, pu: k / sorted.length, beta: excess / k, exceedances: k };
}

export function tailThreshold(tail: ExponentialTail, far: number): number {
  return tail.u + tail.beta * Math.log(tail.pu / far);
}

export interface FarThreshold {
  far: number;
  cosine: number;
  basis: 'measured' | 'extrapolated';
  /** Impostor pairs at or above the threshold (measured FARs only). */
  impostorsAbove?: number;
}

/**
 * Cosine thresholds per FAR. A FAR is "measured" when at least MIN_EVENTS impostor pairs
 * would be accepted at it (FAR·n ≥ 5); otherwise it comes from the tail fit, and never lower
 * than the highest impostor seen plus `margin` (that pair must stay rejected at every
 * unmeasurable FAR), nor lower than the threshold of the next-larger FAR.
 */
export const MIN_EVENTS = 5;
export function farThresholds(impostor: readonly number[], fars: readonly number[], margin = 0.02): FarThreshold[] {
  const n = impostor.length;
  const tail = fitExponentialTail(impostor);
  const maxImpostor = Math.max(...impostor);
  const out: FarThreshold[] = [];
  let previous = -Infinity;
  for (const far of [...fars].sort((a, b) => b - a)) {
    let t: FarThreshold;
    if (far * n >= MIN_EVENTS) {
      const cosine = thresholdAtFar(impostor, far);
      t = { far, cosine, basis: 'measured', impostorsAbove: impostor.filter((s) => s >= cosine).length };
    } else {
      t = { far, cosine: Math.max(tailThreshold(tail, far), maxImpostor + margin), basis: 'extrapolated' };
    }
    t.cosine = Math.max(t.cosine, previous + 1e-6);
    previous = t.cosine;
    out.push(t);
  }
  return out;
}
