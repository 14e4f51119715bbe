// Shapes shared by the worker, its client and the pages. Plain data only: everything here
// crosses postMessage (structured clone), so no classes, functions or typed arrays.
import type { Point } from '../../lib/face-geometry';

export type { Point };

export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FaceBox {
  /** Fractions of the frame, 0–1. */
  normalized: PixelBox;
  pixels: PixelBox;
}

export interface HeadPoseDegrees {
  yaw: number;
  pitch: number;
  roll: number;
}

export interface EyeOpenProbability {
  /** Image-left eye (landmarks 36–41). */
  left: number;
  /** Image-right eye (landmarks 42–47). */
  right: number;
}

export interface StageTimings {
  /** ImageBitmap → RGBA pixels. */
  pixels: number;
  detect: number;
  landmarks: number;
  eyes: number;
  quality: number;
  /** Only on frames where anti-spoofing ran. */
  liveness?: number;
  total: number;
}

export interface FaceAnalysis {
  box: FaceBox;
  detectionScore: number;
  /** BlazeFace order: image-left eye, image-right eye, nose tip, mouth, image-left tragion, image-right tragion; pixels. */
  keypoints: Point[];
  /** iBUG 68-point layout, pixels in the frame. */
  landmarks: Point[];
  pose: HeadPoseDegrees;
  eyeOpen: EyeOpenProbability;
  eyeAspectRatio: EyeOpenProbability;
  mouthAspectRatio: number;
  /** Mean luma 0–255 inside the face box. */
  brightness: number;
  /** Variance of the Laplacian of the face resampled to a fixed size; higher is sharper. */
  sharpness: number;
  /** P(live) from fr_liveness, present on every Nth frame only. */
  liveness?: number;
}

export interface FrameAnalysis {
  /** The caller's timestamp (ms), echoed. */
  timestamp: number;
  frameWidth: number;
  frameHeight: number;
  faceCount: number;
  /** The main face: highest score, then largest. Absent when no face was found. */
  face?: FaceAnalysis;
  /** Mean luma 0–255 of the whole frame (for "too dark" prompts when no face is found). */
  frameBrightness: number;
  timings: StageTimings;
}

export type LoadStage = 'runtime' | 'detector' | 'landmarks' | 'eyes' | 'liveness';

export interface LoadProgress {
  stage: LoadStage;
  phase: 'download' | 'compile' | 'ready' | 'retry' | 'fallback';
  /** Bytes so far and total (total 0 when unknown); for 'download'. */
  loaded?: number;
  total?: number;
  attempt?: number;
  message?: string;
}

export type DetectorDelegate = 'CPU' | 'GPU';

export interface FaceWorkerOptions {
  /** Base URL of the model files (default: `/models/` on the page's origin). */
  modelBaseUrl?: string;
  /** Override single model URLs (take precedence over modelBaseUrl). */
  modelUrls?: Partial<Record<'detector' | 'landmarks' | 'eyes' | 'liveness', string>>;
  /** tasks-vision classic loader + binary; default: hashed copies bundled with the worker. */
  visionWasm?: { loaderUrl: string; binaryUrl: string };
  /** onnxruntime-web wasm binary; default: hashed copy bundled with the worker. */
  ortWasmUrl?: string;
  /** ORT threads; default 2 when crossOriginIsolated, else 1. */
  threads?: number;
  /** MediaPipe delegate to try first; 'GPU' falls back to 'CPU'. Default 'CPU'. */
  delegate?: DetectorDelegate;
  /** Run anti-spoofing every Nth analysed frame (default 5; 0 disables). */
  livenessEvery?: number;
  minDetectionConfidence?: number;
  /** Attempts per network fetch / backend start (default 3). */
  retries?: number;
  /** Scale of the square landmark crop relative to the detector box side. */
  landmarkCropScale?: number;
}

export interface FaceWorkerInfo {
  threads: number;
  crossOriginIsolated: boolean;
  delegate: DetectorDelegate;
  livenessEvery: number;
  /** ms after init() started at which each stage was ready; `warmup` is the first inference of every model (see worker-api.ts). */
  loadMs: Record<LoadStage | 'warmup' | 'total', number>;
}
