// Capture-quality signals for user prompts ("too dark", "hold still").
import { laplacianVariance } from '../../lib/face-geometry';
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
  return laplacianVariance(sampleGrey(frame, rect, SHARPNESS_SIZE), SHARPNESS_SIZE);
}
