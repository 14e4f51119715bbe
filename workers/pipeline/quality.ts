// Capture-quality signals for user prompts ("too dark", "hold still").
import { meanLuma, sampleGrey, type RgbaFrame, type SampleRect } from './pixels';

const SHARPNESS_SIZE = 96;

export function brightness(frame: RgbaFrame, rect?: SampleRect): number {
  return meanLuma(frame, rect);
}

/**
 * Variance of the 4-neighbour Laplacian over the face resampled to a fixed size, so the number
 * does not grow with face size or camera resolution. Motion blur and defocus both lower it.
 */
export function sharpness(frame: RgbaFrame, rect: SampleRect): number {
  const n = SHARPNESS_SIZE;
  const g = sampleGrey(frame, rect, n);
  let sum = 0;
  let sumSq = 0;
  let count = 0;
  for (let y = 1; y < n - 1; y++) {
    for (let x = 1; x < n - 1; x++) {
      const i = y * n + x;
      const lap = g[i - 1]! + g[i + 1]! + g[i - n]! + g[i + n]! - 4 * g[i]!;
      sum += lap;
      sumSq += lap * lap;
      count++;
    }
  }
  const mean = sum / count;
  return sumSq / count - mean * mean;
}
