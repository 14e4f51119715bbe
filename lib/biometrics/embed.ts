import type { InferenceSession } from 'onnxruntime-node';
import { toNchw, type RgbImage } from './image';
import { runModel } from './models';

export const EMBEDDING_DIM = 512;

/** 512-d identity embedding of an aligned 112×112 RGB chip, L2-normalised so dot = cosine. */
export async function embedFace(session: InferenceSession, aligned: RgbImage): Promise<Float32Array> {
  const out = (await runModel(session, toNchw(aligned, 127, 128), [1, 3, aligned.height, aligned.width])).output!;
  return l2normalize(Float32Array.from(out));
}

export function l2normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let i = 0; i < v.length; i++) v[i]! *= inv;
  return v;
}

/** Cosine similarity; inputs need not be normalised. */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`embedding length mismatch: ${a.length} vs ${b.length}`);
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}
