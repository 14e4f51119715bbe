// Main-thread side of the face worker: starts it, wraps it with comlink, and pumps camera
// frames into it with at most one frame in flight, so the UI thread never waits on inference
// and frames are dropped (not queued) when the worker is slower than the camera.
import { proxy, releaseProxy, transfer, wrap, type Remote } from 'comlink';
import type { FaceWorkerApi } from './face-worker';
import type { FaceWorkerInfo, FaceWorkerOptions, FrameAnalysis, LoadProgress } from './pipeline/types';

export type * from './pipeline/types';

export interface FaceWorkerClient {
  readonly info: FaceWorkerInfo;
  /** Transfers the bitmap to the worker (it is closed there); `timestamp` defaults to performance.now(). */
  analyze(bitmap: ImageBitmap, timestamp?: number): Promise<FrameAnalysis>;
  setLivenessEvery(every: number): Promise<void>;
  /** Frees the worker's models and terminates it. */
  dispose(): Promise<void>;
}

export interface CreateFaceWorkerOptions extends FaceWorkerOptions {
  onProgress?: (progress: LoadProgress) => void;
  /** Also try a fresh worker with 1 ORT thread and the CPU delegate if the first start fails. Default true. */
  fallback?: boolean;
}

function spawn(): { worker: Worker; remote: Remote<FaceWorkerApi> } {
  // Literal `new Worker(new URL(...))` so Next bundles the worker (as a classic worker).
  const worker = new Worker(new URL('./face-worker.ts', import.meta.url), { name: 'face-worker' });
  return { worker, remote: wrap<FaceWorkerApi>(worker) };
}

async function start(options: CreateFaceWorkerOptions): Promise<FaceWorkerClient> {
  const { onProgress, fallback: _fallback, ...workerOptions } = options;
  const { worker, remote } = spawn();
  // A worker that fails to load its script never answers: surface that as an error.
  const scriptError = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => reject(new Error(`face worker failed to start: ${e.message || 'script error'}`)), { once: true });
  });
  try {
    const info = await Promise.race([remote.init(workerOptions, onProgress ? proxy(onProgress) : undefined), scriptError]);
    return {
      info,
      analyze: (bitmap, timestamp = performance.now()) => remote.analyze(transferBitmap(bitmap), timestamp),
      setLivenessEvery: (every) => remote.setLivenessEvery(every),
      dispose: async () => {
        await remote.dispose().catch(() => undefined);
        remote[releaseProxy]();
        worker.terminate();
      },
    };
  } catch (error) {
    remote[releaseProxy]();
    worker.terminate();
    throw error;
  }
}

// Transferred, not structured-cloned: no copy, and the page can no longer use it.
function transferBitmap(bitmap: ImageBitmap): ImageBitmap {
  return transfer(bitmap, [bitmap]);
}

/**
 * Starts the worker. When it cannot start (wasm threads refused, GPU delegate missing, a
 * runtime that fails to compile) it retries once in a fresh worker with the most conservative
 * backend: ORT cannot re-initialise its wasm inside the realm where that failed.
 */
export async function createFaceWorker(options: CreateFaceWorkerOptions = {}): Promise<FaceWorkerClient> {
  try {
    return await start(options);
  } catch (error) {
    const conservative = { ...options, threads: 1, delegate: 'CPU' as const };
    const alreadyConservative = options.threads === 1 && (options.delegate ?? 'CPU') === 'CPU';
    if (options.fallback === false || alreadyConservative) throw error;
    options.onProgress?.({ stage: 'runtime', phase: 'fallback', message: `restarting with 1 thread, CPU: ${String(error)}` });
    return start(conservative);
  }
}

export interface FramePumpStats {
  /** Frames analysed. */
  analysed: number;
  /** Camera frames skipped because one was still in flight. */
  skipped: number;
  errors: number;
}

export interface FramePump {
  stop(): void;
  readonly stats: FramePumpStats;
}

type VideoWithFrameCallback = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: () => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

/**
 * Feeds new video frames to the worker, never more than one in flight. When a frame arrives
 * while the worker is busy it is skipped; the newest frame is sent as soon as the worker is free.
 */
export function startFramePump(
  video: HTMLVideoElement,
  client: Pick<FaceWorkerClient, 'analyze'>,
  onResult: (result: FrameAnalysis) => void,
  onError?: (error: unknown) => void,
): FramePump {
  const v = video as VideoWithFrameCallback;
  const stats: FramePumpStats = { analysed: 0, skipped: 0, errors: 0 };
  let running = true;
  let inFlight = false;
  let pending = false;
  let handle = 0;

  const send = async () => {
    inFlight = true;
    pending = false;
    try {
      if (v.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || v.videoWidth === 0) return;
      const timestamp = performance.now();
      const bitmap = await createImageBitmap(v);
      if (!running) {
        bitmap.close();
        return;
      }
      const result = await client.analyze(bitmap, timestamp);
      stats.analysed++;
      if (running) onResult(result);
    } catch (error) {
      stats.errors++;
      if (running) onError?.(error);
    } finally {
      inFlight = false;
      if (running && pending) void send();
    }
  };

  const onFrame = () => {
    if (!running) return;
    schedule();
    if (inFlight) {
      // A frame already waiting is replaced by this newer one.
      if (pending) stats.skipped++;
      pending = true;
      return;
    }
    void send();
  };

  const schedule = () => {
    handle = v.requestVideoFrameCallback ? v.requestVideoFrameCallback(onFrame) : requestAnimationFrame(onFrame);
  };
  schedule();

  return {
    stats,
    stop() {
      running = false;
      if (v.cancelVideoFrameCallback) v.cancelVideoFrameCallback(handle);
      else cancelAnimationFrame(handle);
    },
  };
}
