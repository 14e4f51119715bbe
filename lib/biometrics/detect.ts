import sharp from 'sharp';
import type { InferenceSession } from 'onnxruntime-node';
import { toNchw, type RgbImage } from './image';
import { runModel } from './models';

export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Detection {
  /** Square box (side = detector height, same centre): what landmarks and quality crop from. */
  box: FaceBox;
  /** The detector's own rectangle, kept for the liveness crop (that model saw it unsquared). */
  rawBox: FaceBox;
  score: number;
}

const INPUT_W = 320;
const INPUT_H = 240;
export const DETECT_MIN_SCORE = 0.65;
const NMS_IOU = 0.4;
const TOP_K = 750;

function iou(a: FaceBox, b: FaceBox): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = ix * iy;
  return inter / (a.width * a.height + b.width * b.height - inter || 1);
}

/**
 * Ultra-Light RFB-320 on the whole image stretched to 320×240. Its outputs are already decoded
 * (boxes in 0–1, softmaxed scores), so post-processing is threshold → score-sorted NMS.
 * Boxes are in `img` pixels; with padding they can hang over the image edge.
 */
export async function detectFaces(session: InferenceSession, img: RgbImage, padFraction = 0): Promise<Detection[]> {
  // Optional replicated border (see engine: tight crops need margin). sharp always resizes
  // before it extends, so shrink the image to the inner area and add the border at 320×240
  // scale, in one pipeline, off the event loop, with proper filtering when shrinking.
  const innerW = Math.round(INPUT_W / (1 + 2 * padFraction));
  const innerH = Math.round(INPUT_H / (1 + 2 * padFraction));
  const left = Math.floor((INPUT_W - innerW) / 2);
  const top = Math.floor((INPUT_H - innerH) / 2);
  let pipeline = sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).resize(innerW, innerH, {
    fit: 'fill',
    kernel: 'linear',
  });
  if (innerW !== INPUT_W || innerH !== INPUT_H) {
    pipeline = pipeline.extend({ top, left, bottom: INPUT_H - innerH - top, right: INPUT_W - innerW - left, extendWith: 'copy' });
  }
  const small = await pipeline.raw().toBuffer();
  if (small.length !== INPUT_W * INPUT_H * 3) throw new Error(`detector input is ${small.length} bytes`);
  // Detector units (0–1 of the 320×240 input) → image pixels.
  const sx = img.width / innerW;
  const sy = img.height / innerH;
  const input = toNchw(
    { data: new Uint8Array(small.buffer, small.byteOffset, small.byteLength), width: INPUT_W, height: INPUT_H },
    127,
    128,
  );
  const out = await runModel(session, input, [1, 3, INPUT_H, INPUT_W]);
  const scores = out.scores!;
  const boxes = out.boxes!;
  const n = scores.length / 2;
  const candidates: { box: FaceBox; score: number }[] = [];
  for (let i = 0; i < n; i++) {
    const score = scores[i * 2 + 1]!;
    if (score < DETECT_MIN_SCORE) continue;
    // Back to the unpadded image's pixel coordinates (may extend past its edges).
    const x1 = (boxes[i * 4]! * INPUT_W - left) * sx;
    const y1 = (boxes[i * 4 + 1]! * INPUT_H - top) * sy;
    const x2 = (boxes[i * 4 + 2]! * INPUT_W - left) * sx;
    const y2 = (boxes[i * 4 + 3]! * INPUT_H - top) * sy;
    if (x2 <= x1 || y2 <= y1) continue;
    candidates.push({ box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 }, score });
  }
  candidates.sort((a, b) => b.score - a.score);
  const kept: { box: FaceBox; score: number }[] = [];
  for (const c of candidates.slice(0, TOP_K)) {
    if (kept.every((k) => iou(k.box, c.box) <= NMS_IOU)) kept.push(c);
  }
  return kept.map(({ box, score }) => ({ box: squareBox(box), rawBox: box, score }));
}

/** Side = height (the detector's boxes are taller than wide), same centre. */
export function squareBox(b: FaceBox): FaceBox {
  const side = b.height;
  return { x: b.x + b.width / 2 - side / 2, y: b.y, width: side, height: side };
}

/**
 * Orders faces so the "main face" comes first. Background faces can score as high as the
 * subject, so score alone is not enough: among the prominent faces (score within
 * PROMINENT_MARGIN of the best) the largest wins; the rest follow by score.
 */
export const PROMINENT_MARGIN = 0.1;
export function sortMainFaceFirst<T extends { box: FaceBox; score: number }>(faces: readonly T[]): T[] {
  if (faces.length === 0) return [];
  const top = Math.max(...faces.map((f) => f.score));
  const prominent = faces.filter((f) => f.score >= top - PROMINENT_MARGIN);
  const rest = faces.filter((f) => f.score < top - PROMINENT_MARGIN);
  prominent.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height || b.score - a.score);
  rest.sort((a, b) => b.score - a.score);
  return [...prominent, ...rest];
}
