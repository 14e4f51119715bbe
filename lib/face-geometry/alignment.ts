import type { Affine2x3, Point } from './types';
import { assert68 } from './landmarks68';

/**
 * The 5-point ArcFace/InsightFace template for a 112×112 chip:
 * image-left eye, image-right eye, nose tip, image-left mouth corner, image-right mouth corner.
 */
export const ARCFACE_TEMPLATE_112: readonly Point[] = Object.freeze([
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
] as const);

function mean(lm68: readonly Point[], idx: readonly number[]): Point {
  let x = 0;
  let y = 0;
  for (const i of idx) {
    x += lm68[i]![0];
    y += lm68[i]![1];
  }
  return [x / idx.length, y / idx.length];
}

/**
 * The 5 alignment points in template order. Eye centres average the four lid points (not the
 * corners) because the corners drift with expression; mouth corners average outer and inner lip.
 */
export function fivePointsFrom68(lm68: readonly Point[]): Point[] {
  assert68(lm68);
  return [
    mean(lm68, [37, 38, 40, 41]),
    mean(lm68, [43, 44, 46, 47]),
    [lm68[30]![0], lm68[30]![1]],
    mean(lm68, [48, 60]),
    mean(lm68, [54, 64]),
  ];
}

/**
 * Least-squares 2-D similarity (rotation + uniform scale + translation, never a reflection)
 * mapping src → dst; Umeyama's solution specialised to 2-D, which has this closed form.
 * Returns [a, -b, tx, b, a, ty] so that x' = a·x − b·y + tx, y' = b·x + a·y + ty.
 */
export function similarityTransform(src: readonly Point[], dst: readonly Point[]): Affine2x3 {
  const n = src.length;
  if (n < 2 || dst.length !== n) throw new RangeError('similarityTransform needs ≥ 2 matching point pairs');
  let sx = 0, sy = 0, dx = 0, dy = 0;
  for (let i = 0; i < n; i++) {
    sx += src[i]![0]; sy += src[i]![1];
    dx += dst[i]![0]; dy += dst[i]![1];
  }
  sx /= n; sy /= n; dx /= n; dy /= n;
  let num_a = 0, num_b = 0, den = 0;
  for (let i = 0; i < n; i++) {
    const xs = src[i]![0] - sx, ys = src[i]![1] - sy;
    const xd = dst[i]![0] - dx, yd = dst[i]![1] - dy;
    num_a += xs * xd + ys * yd;
    num_b += xs * yd - ys * xd;
    den += xs * xs + ys * ys;
  }
  if (den === 0) throw new RangeError('similarityTransform: source points are all identical');
  const a = num_a / den;
  const b = num_b / den;
  const tx = dx - (a * sx - b * sy);
  const ty = dy - (b * sx + a * sy);
  return [a, -b, tx, b, a, ty];
}

export function applyAffine(m: readonly number[], p: Point): Point {
  return [m[0]! * p[0] + m[1]! * p[1] + m[2]!, m[3]! * p[0] + m[4]! * p[1] + m[5]!];
}

/** Inverse of a 2×3 affine (used to sample the source image for each destination pixel). */
export function invertAffine(m: readonly number[]): Affine2x3 {
  const [a, b, c, d, e, f] = m as Affine2x3;
  const det = a * e - b * d;
  if (det === 0) throw new RangeError('invertAffine: singular matrix');
  const ia = e / det, ib = -b / det, id = -d / det, ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}
