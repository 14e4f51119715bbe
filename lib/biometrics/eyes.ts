import type { InferenceSession } from 'onnxruntime-node';
import type { Point } from '../face-geometry';
import { cropResize, toGray, type RgbImage } from './image';
import { runModel, softmax } from './models';

const SIZE = 24;
const EYE_CROP_SCALE = 1.6;

/** Square crop around one eye: centre = mean of the lid points, side = 1.6 × corner-to-corner width. */
function eyeBox(lm: readonly Point[], side: 'left' | 'right') {
  const o = side === 'left' ? 36 : 42;
  const lids = [1, 2, 4, 5].map((i) => lm[o + i]!);
  const cx = lids.reduce((s, p) => s + p[0], 0) / 4;
  const cy = lids.reduce((s, p) => s + p[1], 0) / 4;
  const w = Math.max(2, Math.hypot(lm[o + 3]![0] - lm[o]![0], lm[o + 3]![1] - lm[o]![1]) * EYE_CROP_SCALE);
  return { x: cx - w / 2, y: cy - w / 2, width: w, height: w };
}

/** P(open) per eye from fr_eye (softmax [closed, open]). A weak signal: combine with EAR. */
export async function eyeOpenness(
  session: InferenceSession,
  img: RgbImage,
  lm: readonly Point[],
): Promise<{ left: number; right: number }> {
  const result = { left: 0, right: 0 };
  for (const side of ['left', 'right'] as const) {
    const grey = toGray(cropResize(img, eyeBox(lm, side), SIZE, SIZE));
    const input = new Float32Array(SIZE * SIZE);
    for (let i = 0; i < input.length; i++) input[i] = grey[i]! / 255;
    const out = (await runModel(session, input, [1, 1, SIZE, SIZE])).output!;
    result[side] = softmax(out)[1]!;
  }
  return result;
}
