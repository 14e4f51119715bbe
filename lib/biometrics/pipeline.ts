// The per-image analysis: detector → landmarks → eyes → quality → alignment → embedding →
// liveness on decoded RGB pixels. Runs inside a worker thread (worker/analysis-worker.mjs); the
// main thread only decodes (sharp, off the event loop) and hands the pixels over.
import type { InferenceSession } from 'onnxruntime-node';
import { eyeAspectRatio, headPoseFromLandmarks, mouthAspectRatio } from '../face-geometry';
import { alignFace } from './align';
import { detectFaces, sortMainFaceFirst, type Detection } from './detect';
import { embedFace } from './embed';
import { eyeOpenness } from './eyes';
import type { RgbImage } from './image';
import { detectLandmarks } from './landmarks';
import { livenessScore } from './liveness';
import { loadSession, modelsDir, type ModelName } from './models';
import { faceQuality } from './quality';
import type { AnalyzedFace, AnalyzeOptions, ImageAnalysis } from './types';

export type Sessions = Record<ModelName, InferenceSession>;

export const MODELS: readonly ModelName[] = ['fr_detect', 'fr_landmark', 'fr_feature', 'fr_liveness', 'fr_eye'];

/** The five ONNX sessions one pipeline needs (1 intra-op thread each, no spinning: see models.ts). */
export async function loadSessions(dir = modelsDir()): Promise<Sessions> {
  const loaded = await Promise.all(MODELS.map((m) => loadSession(m, dir)));
  return Object.fromEntries(MODELS.map((m, i) => [m, loaded[i]!])) as Sessions;
}

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

export class Timer {
  readonly timings: Record<string, number> = {};
  private last = performance.now();
  lap(stage: string): void {
    const now = performance.now();
    this.timings[stage] = (this.timings[stage] ?? 0) + (now - this.last);
    this.last = now;
  }
}

/** Analyses one RGB image; stage times are added to `t` (no `queue`/`total`: the caller owns those). */
export async function analyzePixels(s: Sessions, img: RgbImage, opts: AnalyzeOptions, t = new Timer()): Promise<ImageAnalysis> {
  let detections: Detection[] = await detectFaces(s.fr_detect, img);
  if (needsPadding(img, detections)) {
    const again = await detectFaces(s.fr_detect, img, PAD_FRACTION);
    if (again.length > 0) detections = again;
  }
  t.lap('detect');
  const ordered = sortMainFaceFirst(detections).slice(0, opts.maxFaces ?? DEFAULT_MAX_FACES);

  const faces: AnalyzedFace[] = [];
  for (const [i, d] of ordered.entries()) {
    const lm = await detectLandmarks(s.fr_landmark, img, d.box);
    t.lap('landmarks');
    const eyeOpen = await eyeOpenness(s.fr_eye, img, lm);
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
      face.embedding = await embedFace(s.fr_feature, chip);
      t.lap('embed');
    }
    if (i === 0 && opts.liveness) {
      // livenessCrop keeps the context crop inside the image: no synthetic border in it.
      face.liveness = await livenessScore(s.fr_liveness, img, d.rawBox);
      t.lap('liveness');
    }
    faces.push(face);
  }
  return { width: img.width, height: img.height, faces, timings: t.timings };
}
