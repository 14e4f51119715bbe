// onnxruntime-web set-up. `onnxruntime-web/wasm` is the CPU-only build (the default entry pulls
// a 28 MB JSEP wasm). Its env must be configured before the first session is created, and a
// failed wasm start cannot be retried in the same realm: the fallback to fewer threads is done
// by the client, which starts a fresh worker (see face-worker-client.ts).
import * as ort from 'onnxruntime-web/wasm';

export type { ort };

export function configureOrt(wasmUrl: string, threads: number): void {
  ort.env.wasm.wasmPaths = { wasm: wasmUrl };
  // Explicit: ORT's own default depends on hardwareConcurrency and isolation, and more threads
  // than cores only adds spinning on 2-core phones.
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.simd = true;
  // The worker already is off the main thread; ORT's proxy worker would add a hop per run.
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
}

export function defaultThreadCount(): number {
  const isolated = (self as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  return isolated ? Math.min(2, Math.max(1, navigator.hardwareConcurrency || 1)) : 1;
}

export async function createSession(model: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
}

/** Runs a single-input, single-output model and returns its output values. */
export async function runSingle(session: ort.InferenceSession, input: Float32Array, dims: readonly number[]): Promise<Float32Array> {
  const tensor = new ort.Tensor('float32', input, dims);
  const outputs = await session.run({ [session.inputNames[0]!]: tensor });
  const out = outputs[session.outputNames[0]!];
  if (!out) throw new Error('model produced no output');
  const data = out.data as Float32Array;
  tensor.dispose();
  out.dispose();
  return data;
}

export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const exps = Array.from({ length: logits.length }, (_, i) => Math.exp(logits[i]! - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}
