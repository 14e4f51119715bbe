// The pipeline on the calling thread, without the worker pool: blocks the event loop for the
// length of every model run. For tests (reference results) and offline tools only; the service
// uses getBiometricEngine().
import { decodeImage } from './decode';
import { cosine } from './embed';
import type { BiometricEngine } from './engine';
import type { RgbImage } from './image';
import { analyzePixels, loadSessions, Timer } from './pipeline';
import type { AnalyzeOptions, ImageAnalysis } from './types';

export async function createInProcessEngine(dir?: string): Promise<BiometricEngine> {
  const s = await loadSessions(dir);
  const run = async (img: RgbImage | Promise<RgbImage>, opts: AnalyzeOptions, t: Timer, started: number): Promise<ImageAnalysis> => {
    const r = await analyzePixels(s, await img, opts, t);
    r.timings.total = performance.now() - started;
    return r;
  };
  return {
    concurrency: 1,
    cosine,
    async analyze(image, opts = {}) {
      const started = performance.now();
      const t = new Timer();
      const img = await decodeImage(image);
      t.lap('decode');
      return run(img, opts, t, started);
    },
    analyzeRgb: (image, opts = {}) => run(image, opts, new Timer(), performance.now()),
  };
}
