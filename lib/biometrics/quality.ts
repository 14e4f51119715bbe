import { laplacianVariance } from '../face-geometry';
import type { FaceBox } from './detect';
import { cropResize, toGray, type RgbImage } from './image';

/** Faces are measured at a fixed size so sharpness is comparable between small and large faces. */
const QUALITY_SIZE = 112;

export interface FaceQuality {
  /** Variance of the 4-neighbour Laplacian of the grey face crop; < ~50 is blurry at this size. */
  sharpness: number;
  /** Mean luma 0–255 of the face crop. */
  brightness: number;
}

export function faceQuality(img: RgbImage, box: FaceBox): FaceQuality {
  // Inner 80% of the square box: mostly skin and features, little background.
  const inset = { x: box.x + box.width * 0.1, y: box.y + box.height * 0.1, width: box.width * 0.8, height: box.height * 0.8 };
  const g = toGray(cropResize(img, inset, QUALITY_SIZE, QUALITY_SIZE, { maxSupersample: 2 }));
  let sum = 0;
  for (let i = 0; i < g.length; i++) sum += g[i]!;
  return { sharpness: laplacianVariance(g, QUALITY_SIZE), brightness: sum / g.length };
}
