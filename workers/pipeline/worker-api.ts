// The face worker's API: loading, per-frame analysis, disposal. Exposed with comlink by
// workers/face-worker.ts; everything heavy (tasks-vision, onnxruntime-web, their wasm) lives in
// the worker so the page's own bundle stays small and the UI thread never waits on inference.
import { defaultOrtWasmUrl, defaultVisionWasm, modelUrl, type ModelName } from './asset-urls';
import { FaceBoxDetector } from './detector';
import { EyeStateModel } from './eyes';
import { fetchBytes, withRetries } from './fetch-bytes';
import { FrameAnalyzer } from './frame-analysis';
import { LandmarkModel } from './landmarks';
import { LivenessModel } from './liveness';
import { restrictFetchToOrigins } from './network-guard';
import { configureOrt, createSession, defaultThreadCount } from './ort-runtime';
import type { FaceWorkerInfo, FaceWorkerOptions, FrameAnalysis, LoadProgress, LoadStage } from './types';

export interface FaceWorkerApi {
  /** Loads runtimes and models; resolves when analyze() may be called. Call once per worker. */
  init(options?: FaceWorkerOptions, onProgress?: (progress: LoadProgress) => void): Promise<FaceWorkerInfo>;
  /** Analyses one frame. Takes ownership of the (transferred) bitmap and always closes it. */
  analyze(bitmap: ImageBitmap, timestamp: number): Promise<FrameAnalysis>;
  /** Anti-spoofing cadence: every Nth frame with a face; 0 disables. */
  setLivenessEvery(every: number): void;
  /** Frees models and wasm memory; the worker may then be terminated. */
  dispose(): Promise<void>;
}

const DEFAULTS = {
  livenessEvery: 5,
  minDetectionConfidence: 0.5,
  retries: 3,
  landmarkCropScale: 1,
} as const;

let analyzer: FrameAnalyzer | null = null;
// One object for the worker's lifetime: the analyzer reads it per frame, setLivenessEvery edits it.
const settings = { livenessEvery: DEFAULTS.livenessEvery as number, landmarkCropScale: DEFAULTS.landmarkCropScale as number };
let models: { detector: FaceBoxDetector; landmarks: LandmarkModel; eyes: EyeStateModel; liveness: LivenessModel | null } | null = null;
let initStarted = false;

async function init(options: FaceWorkerOptions = {}, onProgress?: (progress: LoadProgress) => void): Promise<FaceWorkerInfo> {
  if (initStarted) throw new Error('init() may be called once per worker; start a new worker to retry');
  initStarted = true;
  const started = performance.now();
  const report = (p: LoadProgress) => {
    // A throwing or closed progress proxy must not abort loading.
    void Promise.resolve()
      .then(() => onProgress?.(p))
      .catch(() => undefined);
  };
  const retries = options.retries ?? DEFAULTS.retries;
  const loadMs = { runtime: 0, detector: 0, landmarks: 0, eyes: 0, liveness: 0, warmup: 0, total: 0 } satisfies FaceWorkerInfo['loadMs'];
  const since = (stage: LoadStage) => {
    loadMs[stage] = Math.round(performance.now() - started);
    report({ stage, phase: 'ready' });
  };

  const download = (name: ModelName) =>
    withRetries(
      retries,
      () => fetchBytes(modelUrl(name, options.modelBaseUrl, options.modelUrls), (p) => report({ stage: name, phase: 'download', ...p })),
      (attempt, error) => report({ stage: name, phase: 'retry', attempt, message: String(error) }),
    );

  // A page that never asks for passive anti-spoofing (the verify page leaves it to the server)
  // does not download the 1.7 MB liveness model at all.
  const wantLiveness = (options.livenessEvery ?? DEFAULTS.livenessEvery) > 0;
  const threads = options.threads ?? defaultThreadCount();
  const ortWasmUrl = options.ortWasmUrl ?? defaultOrtWasmUrl();
  configureOrt(ortWasmUrl, threads);
  const vision = options.visionWasm ?? defaultVisionWasm();
  const assetUrls = [ortWasmUrl, vision.loaderUrl, vision.binaryUrl, ...(['detector', 'landmarks', 'eyes', 'liveness'] as const).map((m) => modelUrl(m, options.modelBaseUrl, options.modelUrls))];
  restrictFetchToOrigins([self.location.origin, ...assetUrls.map((u) => new URL(u, self.location.href).origin)]);

  const startDetector = download('detector').then(async (bytes) => {
    report({ stage: 'detector', phase: 'compile' });
    const detector = await withRetries(
      retries,
      () =>
        FaceBoxDetector.create(
          {
            loaderUrl: vision.loaderUrl,
            binaryUrl: vision.binaryUrl,
            model: bytes,
            delegate: options.delegate ?? 'CPU',
            minDetectionConfidence: options.minDetectionConfidence ?? DEFAULTS.minDetectionConfidence,
          },
          (from, error) => report({ stage: 'detector', phase: 'fallback', message: `${from} delegate failed: ${String(error)}` }),
        ),
      (attempt, error) => report({ stage: 'detector', phase: 'retry', attempt, message: String(error) }),
    );
    since('detector');
    return detector;
  });

  // ORT sessions are created one after another: the first one starts the wasm runtime, and a
  // failed runtime start is final in this realm (the client retries with a fresh worker).
  const startOrt = (async () => {
    const [landmarkBytes, eyeBytes, livenessBytes] = await Promise.all([download('landmarks'), download('eyes'), wantLiveness ? download('liveness') : null]);
    report({ stage: 'runtime', phase: 'compile' });
    const landmarks = new LandmarkModel(await createSession(landmarkBytes));
    since('runtime');
    since('landmarks');
    const eyes = new EyeStateModel(await createSession(eyeBytes));
    since('eyes');
    const liveness = livenessBytes ? new LivenessModel(await createSession(livenessBytes)) : null;
    since('liveness');
    return { landmarks, eyes, liveness };
  })();

  const [detector, ortModels] = await Promise.all([startDetector, startOrt]);
  models = { detector, ...ortModels };
  // Only a head start: a warm-up that fails (an engine quirk on some WebView) must not fail loading;
  // the first camera frames then pay the cost, as before.
  await warmUpModels(models).catch(() => undefined);
  loadMs.warmup = Math.round(performance.now() - started);
  settings.livenessEvery = Math.max(0, Math.floor(options.livenessEvery ?? settings.livenessEvery));
  settings.landmarkCropScale = options.landmarkCropScale ?? settings.landmarkCropScale;
  analyzer = new FrameAnalyzer(models, settings);
  loadMs.total = Math.round(performance.now() - started);
  return {
    threads,
    crossOriginIsolated: (self as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    delegate: detector.delegate,
    livenessEvery: settings.livenessEvery,
    loadMs,
  };
}

/**
 * Each model's first inference compiles its kernels and sizes its buffers: on this 2-core machine
 * the page's first camera analyses took 1.7–2.5 s to get fast, all of it after Start. One pass over a
 * plain grey frame here, while the user still reads the intro (the models are fetched then), does
 * that work once; every model runs on any pixels, so no face is needed.
 */
async function warmUpModels(m: NonNullable<typeof models>): Promise<void> {
  const width = 320;
  const height = 240;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = '#808080';
  ctx.fillRect(0, 0, width, height);
  const bitmap = canvas.transferToImageBitmap();
  try {
    // Timestamp 0: the detector's video clock only has to increase, and camera frames come later.
    m.detector.detect(bitmap, 0);
  } finally {
    bitmap.close();
  }
  const frame = { data: new Uint8ClampedArray(width * height * 4).fill(128), width, height };
  const crop = { x: 100, y: 60, width: 120, height: 120 };
  const points = await m.landmarks.run(frame, crop);
  await m.eyes.run(frame, points);
  if (m.liveness) await m.liveness.run(frame, crop);
}

async function analyze(bitmap: ImageBitmap, timestamp: number): Promise<FrameAnalysis> {
  try {
    if (!analyzer) throw new Error('face worker is not initialised');
    return await analyzer.analyze(bitmap, timestamp);
  } finally {
    bitmap.close();
  }
}

function setLivenessEvery(every: number): void {
  if (every > 0 && models && !models.liveness) throw new Error('the liveness model was not loaded (init with livenessEvery > 0)');
  settings.livenessEvery = Math.max(0, Math.floor(every));
}

async function dispose(): Promise<void> {
  const current = models;
  models = null;
  analyzer = null;
  if (!current) return;
  current.detector.close();
  await Promise.allSettled([current.landmarks.dispose(), current.eyes.dispose(), current.liveness?.dispose()]);
}

export const faceWorkerApi: FaceWorkerApi = { init, analyze, setLivenessEvery, dispose };
