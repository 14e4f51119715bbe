import type { Point } from './types';
import { assert68 } from './landmarks68';

function dist(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

/**
 * Eye aspect ratio (Soukupová & Čech 2016): mean lid opening over eye width.
 * ≈0.25–0.35 open, < ≈0.15 closed; it is scale-free, so thresholds hold at any face size.
 * 'left' = image-left eye (36–41), 'right' = image-right eye (42–47).
 */
export function eyeAspectRatio(lm68: readonly Point[], side: 'left' | 'right'): number {
  assert68(lm68);
  const o = side === 'left' ? 36 : 42;
  const p = (i: number) => lm68[o + i]!;
  const width = dist(p(0), p(3));
  if (width <= 0) return 0;
  return (dist(p(1), p(5)) + dist(p(2), p(4))) / (2 * width);
}

/** Inner-lip opening (mean of the three vertical gaps 61–67, 62–66, 63–65) over inner mouth width (60–64). */
export function mouthAspectRatio(lm68: readonly Point[]): number {
  assert68(lm68);
  const p = (i: number) => lm68[i]!;
  const width = dist(p(60), p(64));
  if (width <= 0) return 0;
  return (dist(p(61), p(67)) + dist(p(62), p(66)) + dist(p(63), p(65))) / (3 * width);
}
