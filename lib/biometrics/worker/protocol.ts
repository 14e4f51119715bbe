// Messages between the pool (main thread, ../pool.ts) and an analysis worker (worker-main.ts).
import type { RgbImage } from '../image';
import type { AnalyzeOptions, ImageAnalysis } from '../types';

export interface WorkerInit {
  modelsDir: string;
  /** Nice value (0–19) for the analysis thread; 0 = same priority as the main thread (BIOMETRICS_WORKER_NICE, default 0). */
  nice: number;
  /** Date.now() when the pool spawned the thread, to report start-up time. */
  spawnedAt: number;
}

export type JobInput =
  /** Encoded upload (JPEG/PNG/…): the worker decodes it. `bytes` is a private copy, transferred. */
  | { kind: 'encoded'; bytes: Uint8Array }
  /** Already decoded packed RGB (a private copy, transferred). */
  | { kind: 'rgb'; image: RgbImage };

export type ToWorker =
  | { type: 'analyze'; id: number; input: JobInput; opts: AnalyzeOptions }
  /** Test hook: the worker exits at once, as a native crash would take it down. */
  | { type: 'crash' };

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

export type FromWorker =
  | { type: 'ready'; startupMs: number }
  | { type: 'init-error'; error: SerializedError }
  /** `busyMs`: time the worker spent on the job, decode included. */
  | { type: 'result'; id: number; result: ImageAnalysis; busyMs: number }
  | { type: 'error'; id: number; error: SerializedError };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { name: e.name, message: e.message, stack: e.stack, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(e) };
}
