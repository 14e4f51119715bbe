import os from 'node:os';
import type { InferenceSession } from 'onnxruntime-node';
import {
  eyeAspectRatio,
  headPoseFromLandmarks,
  mouthAspectRatio,
  type HeadPose,
  type Point,
} from '../face-geometry';
import { alignFace } from './align';
import { decodeImage } from './decode';
import { detectFaces, sortMainFaceFirst, type Detection, type FaceBox } from './detect';
import { cosine, embedFace } from './embed';
import { eyeOpenness } from './eyes';
import type { RgbImage } from './image';
import { detectLandmarks } from './landmarks';
import { livenessScore } from './liveness';
import { loadSession, modelsDir, type ModelName } from './models';
import { faceQuality } from './quality';
import { Semaphore } from './semaphore';

export type { FaceBox } from './detect';

export interface AnalyzedFace {
  box: FaceBox;
  score: number;
  landmarks: Point[];
  pose: HeadPose;
  /** fr_eye P(open) per eye ('left' = image-left). */
  eyeOpen: { left: number; right: number };
  ear: { left: number; right: number };
  mar: number;
  sharpness: number;
  brightness: number;
  /** Main face only (faces[0]), when `embed` was requested. */
  embedding?: Float32Array;
  /** P(live) 0..1; main face only, when `liveness` was requested. */
  liveness?: number;
}

export interface ImageAnalysis {
  width: number;
  height: number;
  /** Main face first (see sortMainFaceFirst). */
  faces: AnalyzedFace[];
  /** Milliseconds per stage, plus `queue` (waiting for a slot) and `total`. */
  timings: Record<string, number>;
}

export interface AnalyzeOptions {
  embed?: boolean;
  liveness?: boolean;
  /** How many faces get landmarks/pose/quality (default 5); every detection still counts. */
  maxFaces?: number;
}

export interface BiometricEngine {
  analyze(image: Buffer | Uint8Array, opts?: AnalyzeOptions): Promise<ImageAnalysis>;
  /** Same as analyze() on already decoded RGB pixels (frames from a video, tests). */
  analyzeRgb(image: RgbImage, opts?: AnalyzeOptions): Promise<ImageAnalysis>;
  cosine(a: Float32Array, b: Float32Array): number;
  readonly concurrency: number;
}

type Sessions = Record<ModelName, InferenceSession>;

/**
 * Tight face crops (aligned chips, ID-photo crops) have no background margin: the detector,
 * trained on faces with context, then finds nothing, or splits the face into several partial
 * "faces" (7 of 116 pair images gave 2–3 detections). A 30% replicated border on each side fixed
 * all of them (116/116 exactly one face; 10% or 50% left 4 and 3 images with extras).
 * We re-detect with the border when nothing was found or the biggest face spans at least half
 * the frame (padding only chips that touch the border, or only split ones, cut TAR@1e-3 from 100%
 * to 98.9%: the detector's boxes for frame-filling faces are poor even when it finds them).
 * Crops then sample outside the image with replicated edges, matching the padded detector input.
 */
const PAD_FRACTION = 0.3;
const PAD_WHEN_FACE_SPANS = 0.5;

function needsPadding(img: RgbImage, dets: readonly Detection[]): boolean {
  if (dets.length === 0) return true;
  const biggest = Math.max(...dets.map((d) => d.rawBox.height));
  return biggest >= PAD_WHEN_FACE_SPANS * Math.min(img.width, img.height);
}

const DEFAULT_MAX_FACES = 5;

function concurrencyFromEnv(): number {
  const n = Number.parseInt(process.env.BIOMETRICS_CONCURRENCY ?? '', 10);
  return Number.isFinite(n) && n >= 1 ? n : os.availableParallelism();
}

class Timer {
  readonly timings: Record<string, number> = {};
  private last = performance.now();
  lap(stage: string): void {
    const now = performance.now();
    this.timings[stage] = (this.timings[stage] ?? 0) + (now - this.last);
    this.last = now;
  }
}

class OnnxBiometricEngine implements BiometricEngine {
  private readonly gate: Semaphore;
  constructor(private readonly s: Sessions, readonly concurrency: number) {
    this.gate = new Semaphore(concurrency);
  }

  cosine(a: Float32Array, b: Float32Array): number {
    return cosine(a, b);
  }

  analyze(image: Buffer | Uint8Array, opts: AnalyzeOptions = {}): Promise<ImageAnalysis> {
    const queued = performance.now();
    return this.gate.run(async () => {
      const t = new Timer();
      t.timings.queue = performance.now() - queued;
      const img = await decodeImage(image);
      t.lap('decode');
      return this.pipeline(img, opts, t, queued);
    });
  }

  analyzeRgb(image: RgbImage, opts: AnalyzeOptions = {}): Promise<ImageAnalysis> {
    const queued = performance.now();
    return this.gate.run(() => {
      const t = new Timer();
      t.timings.queue = performance.now() - queued;
      return this.pipeline(image, opts, t, queued);
    });
  }

  private async pipeline(img: RgbImage, opts: AnalyzeOptions, t: Timer, queued: number): Promise<ImageAnalysis> {
    let detections: Detection[] = await detectFaces(this.s.fr_detect, img);
    if (needsPadding(img, detections)) {
      const again = await detectFaces(this.s.fr_detect, img, PAD_FRACTION);
      if (again.length > 0) detections = again;
    }
    t.lap('detect');
    const ordered = sortMainFaceFirst(detections).slice(0, opts.maxFaces ?? DEFAULT_MAX_FACES);

    const faces: AnalyzedFace[] = [];
    for (const [i, d] of ordered.entries()) {
      const lm = await detectLandmarks(this.s.fr_landmark, img, d.box);
      t.lap('landmarks');
      const eyeOpen = await eyeOpenness(this.s.fr_eye, img, lm);
      t.lap('eyes');
      const q = faceQuality(img, d.box);
      t.lap('quality');
      const face: AnalyzedFace = {
        box: d.box,
        score: d.score,
        landmarks: lm,
        pose: headPoseFromLandmarks(lm),
        eyeOpen,
        ear: { left: eyeAspectRatio(lm, 'left'), right: eyeAspectRatio(lm, 'right') },
        mar: mouthAspectRatio(lm),
        sharpness: q.sharpness,
        brightness: q.brightness,
      };
      if (i === 0 && opts.embed) {
        const chip = alignFace(img, lm);
        t.lap('align');
        face.embedding = await embedFace(this.s.fr_feature, chip);
        t.lap('embed');
      }
      if (i === 0 && opts.liveness) {
        // livenessCrop keeps the context crop inside the image: no synthetic border in it.
        face.liveness = await livenessScore(this.s.fr_liveness, img, d.rawBox);
        t.lap('liveness');
      }
      faces.push(face);
    }
    t.timings.total = performance.now() - queued;
    return { width: img.width, height: img.height, faces, timings: t.timings };
  }
}

const MODELS: readonly ModelName[] = ['fr_detect', 'fr_landmark', 'fr_feature', 'fr_liveness', 'fr_eye'];
// On globalThis so every Next.js route bundle (each has its own module instance) shares one engine.
const GLOBAL_KEY = Symbol.for('open-cloudauth.biometrics.engine');
type GlobalWithEngine = typeof globalThis & { [GLOBAL_KEY]?: Promise<BiometricEngine> };

/** The process-wide engine; loads the five ONNX sessions once. A failed load is retried on the next call. */
export function getBiometricEngine(): Promise<BiometricEngine> {
  const g = globalThis as GlobalWithEngine;
  if (!g[GLOBAL_KEY]) {
    const dir = modelsDir();
    g[GLOBAL_KEY] = (async () => {
      const loaded = await Promise.all(MODELS.map((m) => loadSession(m, dir)));
      const sessions = Object.fromEntries(MODELS.map((m, i) => [m, loaded[i]!])) as Sessions;
      return new OnnxBiometricEngine(sessions, concurrencyFromEnv());
    })();
    g[GLOBAL_KEY].catch(() => {
      delete g[GLOBAL_KEY];
    });
  }
  return g[GLOBAL_KEY];
}
