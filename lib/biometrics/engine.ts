import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { observeAnalysis } from '../console/metrics';
import { MAX_IMAGE_BYTES } from './decode';
import { cosine } from './embed';
import { BiometricError } from './errors';
import type { RgbImage } from './image';
import { modelsDir } from './models';
import { MODELS } from './pipeline';
import { WorkerPool, workerEntry, type JobResult } from './pool';
import type { AnalyzeOptions, ImageAnalysis } from './types';

export type { FaceBox } from './detect';
export type { AnalyzedFace, AnalyzeOptions, ImageAnalysis } from './types';

export interface BiometricEngine {
  analyze(image: Buffer | Uint8Array, opts?: AnalyzeOptions): Promise<ImageAnalysis>;
  /** Same as analyze() on already decoded RGB pixels (frames from a video, tests). */
  analyzeRgb(image: RgbImage, opts?: AnalyzeOptions): Promise<ImageAnalysis>;
  cosine(a: Float32Array, b: Float32Array): number;
  /** How many analyses run at once: one per worker thread. */
  readonly concurrency: number;
}

function intFromEnv(name: string, fallback: number, min: number): number {
  const n = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isFinite(n) && n >= min ? n : fallback;
}

/**
 * Pool settings from the environment: BIOMETRICS_CONCURRENCY (default: cores divided among the
 * WEB_CONCURRENCY server processes that scripts/start.mjs runs, at least 1),
 * BIOMETRICS_QUEUE_LIMIT (64), BIOMETRICS_JOB_TIMEOUT_MS (30 s), BIOMETRICS_WORKER_NICE (0; e.g. 10
 * makes analysis threads yield to the main thread. Measured on 2 cores it changed GetStatus p99
 * under load by only a few ms either way (the kernel already favours the mostly idle main
 * thread), while CPU-hungry neighbours then starve the analyses: off by default).
 */
export function poolSettingsFromEnv() {
  return {
    size: intFromEnv('BIOMETRICS_CONCURRENCY', Math.max(1, Math.floor(os.availableParallelism() / intFromEnv('WEB_CONCURRENCY', 1, 1))), 1),
    queueLimit: intFromEnv('BIOMETRICS_QUEUE_LIMIT', 64, 0),
    interactiveQueueLimit: intFromEnv('BIOMETRICS_INTERACTIVE_QUEUE_LIMIT', 64, 0),
    jobTimeoutMs: intFromEnv('BIOMETRICS_JOB_TIMEOUT_MS', 30_000, 1),
    nice: Math.min(19, intFromEnv('BIOMETRICS_WORKER_NICE', 0, 0)),
  };
}

/** Only plain data crosses to the worker (a caller's object may carry anything). */
function cloneableOptions(o: AnalyzeOptions): AnalyzeOptions {
  return { embed: !!o.embed, liveness: !!o.liveness, ...(o.maxFaces !== undefined ? { maxFaces: o.maxFaces } : {}) };
}

/**
 * The engine in front of the worker pool. The main thread does no image work at all: it copies
 * the caller's bytes (≤ 2 MB, ~0.2 ms; the copy is transferred, never cloned, and the caller's
 * buffer stays usable) and waits. Decoding (sharp), the ONNX runs and the pixel loops all
 * happen in the worker.
 */
export class PooledBiometricEngine implements BiometricEngine {
  constructor(readonly pool: WorkerPool) {}

  get concurrency(): number {
    return this.pool.size;
  }

  cosine(a: Float32Array, b: Float32Array): number {
    return cosine(a, b);
  }

  analyze(image: Buffer | Uint8Array, opts: AnalyzeOptions = {}): Promise<ImageAnalysis> {
    // Checked here too so an oversized upload is neither copied nor queued.
    if (image.byteLength > MAX_IMAGE_BYTES) {
      return Promise.reject(new BiometricError('IMAGE_TOO_LARGE', `image is ${image.byteLength} bytes, limit ${MAX_IMAGE_BYTES}`));
    }
    const bytes = new Uint8Array(image); // private copy with its own ArrayBuffer: transferable
    return this.submit({ kind: 'encoded', bytes }, bytes.buffer, opts);
  }

  analyzeRgb(image: RgbImage, opts: AnalyzeOptions = {}): Promise<ImageAnalysis> {
    const data = image.data.slice();
    return this.submit({ kind: 'rgb', image: { data, width: image.width, height: image.height } }, data.buffer, opts);
  }

  private async submit(input: Parameters<WorkerPool['run']>[0]['input'], buffer: ArrayBuffer, opts: AnalyzeOptions): Promise<ImageAnalysis> {
    const started = performance.now();
    const lane = opts.lane ?? 'interactive';
    const r: JobResult = await this.pool.run({ type: 'analyze', input, opts: cloneableOptions(opts) }, [buffer], lane);
    // Only answered analyses carry the worker's time; a refused or failed job shows in its caller's error.
    observeAnalysis(lane, r.busyMs / 1000);
    const { result } = r;
    result.timings = {
      queue: r.queuedMs,
      ...result.timings,
      ipc: Math.max(0, r.roundTripMs - r.busyMs),
      total: performance.now() - started,
    };
    return result;
  }
}

// On globalThis so every Next.js route bundle (each has its own module instance) shares one engine.
const GLOBAL_KEY = Symbol.for('open-cloudauth.biometrics.engine');
type GlobalWithEngine = typeof globalThis & { [GLOBAL_KEY]?: Promise<BiometricEngine> };

/**
 * The process-wide engine: a pool of BIOMETRICS_CONCURRENCY worker threads, each loading the
 * five ONNX sessions once. Resolves when every worker is ready; a failed start (e.g.
 * MODEL_MISSING) is retried on the next call.
 */
export function getBiometricEngine(): Promise<BiometricEngine> {
  const g = globalThis as GlobalWithEngine;
  if (!g[GLOBAL_KEY]) {
    g[GLOBAL_KEY] = (async () => {
      const dir = modelsDir();
      // Checked up front so a missing model fails fast with the same error as before the pool.
      for (const m of MODELS) {
        const file = path.join(dir, `${m}.onnx`);
        if (!fs.existsSync(file)) throw new BiometricError('MODEL_MISSING', `model file missing: ${file} (run: node scripts/prepare-models.mjs)`);
      }
      const { nice, ...settings } = poolSettingsFromEnv();
      const pool = new WorkerPool({ entry: workerEntry(), init: { modelsDir: dir, nice }, ...settings });
      await pool.start();
      return new PooledBiometricEngine(pool);
    })();
    g[GLOBAL_KEY].catch(() => {
      delete g[GLOBAL_KEY];
    });
  }
  return g[GLOBAL_KEY];
}
