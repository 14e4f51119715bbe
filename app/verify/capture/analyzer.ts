// The face analyser behind an interface: the capture flow depends on this, not on the worker's
// module, so another backend (or a test double) can stand in.
import type { FrameAnalysis, LoadProgress } from '../../../workers/pipeline/types';
import { createFaceWorker } from '../../../workers/face-worker-client';

export interface FaceAnalyzer {
  analyze(bitmap: ImageBitmap, timestamp: number): Promise<FrameAnalysis>;
  dispose(): Promise<void>;
}

const STAGES = ['runtime', 'detector', 'landmarks', 'eyes', 'liveness'] as const;

/** Starts the on-device worker (with its own fallback) and reports overall load progress 0..1. */
export async function createAnalyzer(onProgress: (fraction: number) => void): Promise<FaceAnalyzer> {
  const ready = new Set<string>();
  const bytes = new Map<string, { loaded: number; total: number }>();
  const report = () => {
    let loaded = 0;
    let total = 0;
    for (const b of bytes.values()) {
      loaded += b.loaded;
      total += b.total;
    }
    const dl = total > 0 ? loaded / total : 0;
    onProgress(Math.min(0.99, 0.7 * dl + 0.3 * (ready.size / STAGES.length)));
  };
  const client = await createFaceWorker({
    // Anti-spoofing is the server's job; the page does not need it every few frames.
    livenessEvery: 0,
    onProgress: (p: LoadProgress) => {
      if (p.phase === 'download' && p.loaded !== undefined) bytes.set(p.stage, { loaded: p.loaded, total: p.total || p.loaded });
      if (p.phase === 'ready') ready.add(p.stage);
      report();
    },
  });
  onProgress(1);
  // When each stage was ready (ms after the worker's init started): support and the benchmarks.
  (globalThis as { __modelsLoadMs?: unknown }).__modelsLoadMs = client.info.loadMs;
  return { analyze: (bitmap, timestamp) => client.analyze(bitmap, timestamp), dispose: () => client.dispose() };
}
