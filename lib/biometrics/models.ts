import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { BiometricError } from './errors';

export type ModelName = 'fr_detect' | 'fr_landmark' | 'fr_feature' | 'fr_liveness' | 'fr_eye';

/** `MODELS_DIR`, else `<repo>/models` (prepared by scripts/prepare-models.mjs). */
export function modelsDir(): string {
  if (process.env.MODELS_DIR) return path.resolve(process.env.MODELS_DIR);
  // process.cwd() rather than __dirname: inside a Next.js bundle __dirname points into .next/.
  // Scripts, tests and `next start` all run from the repo root.
  return path.resolve(process.cwd(), 'models');
}

/**
 * One ORT session per model. One intra-op thread and no spinning: we parallelise across
 * requests instead, and on 2 cores spinning threads made inference ~3× slower (DESIGN §4).
 */
export async function loadSession(name: ModelName, dir = modelsDir()): Promise<ort.InferenceSession> {
  const file = path.join(dir, `${name}.onnx`);
  if (!fs.existsSync(file)) {
    throw new BiometricError('MODEL_MISSING', `model file missing: ${file} (run: node scripts/prepare-models.mjs)`);
  }
  return ort.InferenceSession.create(file, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  });
}

export async function runModel(
  session: ort.InferenceSession,
  data: Float32Array,
  dims: readonly number[],
): Promise<Record<string, Float32Array>> {
  const out = await session.run({ input: new ort.Tensor('float32', data, dims) });
  const result: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(out)) result[k] = v.data as Float32Array;
  return result;
}

export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const e = Array.from({ length: logits.length }, (_, i) => Math.exp(logits[i]! - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
