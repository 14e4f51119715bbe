// Verification metrics over genuine (same-person) and impostor (different-person) scores,
// higher = more similar. Pure functions shared by the accuracy bench and the calibration script.

/** Threshold at which the impostor false-accept rate is at most `far` (accept when score ≥ t). */
export function thresholdAtFar(impostor: readonly number[], far: number): number {
  const sorted = [...impostor].sort((a, b) => b - a);
  const allowed = Math.floor(far * sorted.length); // impostors allowed at or above the threshold
  if (allowed >= sorted.length) return -Infinity;
  // Just above the (allowed+1)-th highest impostor, so exactly `allowed` impostors pass.
  return nextUp(sorted[allowed]!);
}

function nextUp(x: number): number {
  return x + Math.max(Math.abs(x) * 1e-12, 1e-12);
}

export function rateAtOrAbove(scores: readonly number[], t: number): number {
  if (scores.length === 0) return NaN;
  let n = 0;
  for (const s of scores) if (s >= t) n++;
  return n / scores.length;
}

/** ROC AUC = P(genuine > impostor) + ½·P(tie), by ranking (O(n log n)). */
export function rocAuc(genuine: readonly number[], impostor: readonly number[]): number {
  const all = [...genuine.map((s) => [s, 1] as const), ...impostor.map((s) => [s, 0] as const)].sort((a, b) => a[0] - b[0]);
  let rankSumGenuine = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]![0] === all[i]![0]) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]![1] === 1) rankSumGenuine += avgRank;
    i = j;
  }
  const g = genuine.length, m = impostor.length;
  return (rankSumGenuine - (g * (g + 1)) / 2) / (g * m);
}

/** Equal error rate: where FAR (impostors accepted) meets FRR (genuines rejected). */
export function equalErrorRate(genuine: readonly number[], impostor: readonly number[]): { eer: number; threshold: number } {
  const candidates = [...new Set([...genuine, ...impostor])].sort((a, b) => a - b);
  let best = { eer: 1, threshold: 0, gap: Infinity };
  for (const t of candidates) {
    const far = rateAtOrAbove(impostor, t);
    const frr = 1 - rateAtOrAbove(genuine, t);
    const gap = Math.abs(far - frr);
    if (gap < best.gap) best = { eer: (far + frr) / 2, threshold: t, gap };
  }
  return { eer: best.eer, threshold: best.threshold };
}
