// One frame through the whole pipeline: pixels → detector → landmarks → eyes, geometry and
// quality → (every Nth face frame) anti-spoofing. Stages run one after another: each ORT stage
// needs the previous one's output and ORT's wasm runs one session at a time anyway.
import { eyeAspectRatio, headPoseFromLandmarks, mouthAspectRatio } from '../../lib/face-geometry';
import type { FaceBoxDetector, DetectedFace } from './detector';
import type { EyeStateModel } from './eyes';
import { faceCrop, type LandmarkModel } from './landmarks';
import type { LivenessModel } from './liveness';
import { FrameReader } from './pixels';
import { brightness, sharpness } from './quality';
import type { FaceAnalysis, FrameAnalysis, StageTimings } from './types';

export interface PipelineModels {
  detector: FaceBoxDetector;
  landmarks: LandmarkModel;
  eyes: EyeStateModel;
  /** Null when the worker was started with livenessEvery 0 (the model is then never downloaded). */
  liveness: LivenessModel | null;
}

export interface PipelineSettings {
  livenessEvery: number;
  landmarkCropScale: number;
}

/** Background faces can score as high as the user's: among near-best scores, take the largest. */
const SCORE_MARGIN = 0.1;

export function pickMainFace(faces: readonly DetectedFace[]): DetectedFace | undefined {
  const best = faces.reduce((m, f) => Math.max(m, f.score), 0);
  return faces
    .filter((f) => f.score >= best - SCORE_MARGIN)
    .reduce<DetectedFace | undefined>((m, f) => (!m || f.box.width * f.box.height > m.box.width * m.box.height ? f : m), undefined);
}

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

export class FrameAnalyzer {
  private readonly reader = new FrameReader();
  private faceFrames = 0;

  constructor(
    private readonly models: PipelineModels,
    private readonly settings: PipelineSettings,
  ) {}

  async analyze(bitmap: ImageBitmap, timestamp: number): Promise<FrameAnalysis> {
    const t0 = performance.now();
    const frame = this.reader.read(bitmap);
    const t1 = performance.now();
    const faces = this.models.detector.detect(bitmap, timestamp);
    const t2 = performance.now();
    const timings: StageTimings = { pixels: t1 - t0, detect: t2 - t1, landmarks: 0, eyes: 0, quality: 0, total: 0 };
    const result: FrameAnalysis = {
      timestamp,
      frameWidth: frame.width,
      frameHeight: frame.height,
      faceCount: faces.length,
      frameBrightness: 0,
      timings,
    };
    const main = pickMainFace(faces);
    if (main) {
      const crop = faceCrop(main, this.settings.landmarkCropScale);
      const landmarks = await this.models.landmarks.run(frame, crop);
      const t3 = performance.now();
      const eyeOpen = await this.models.eyes.run(frame, landmarks);
      const t4 = performance.now();
      const face: FaceAnalysis = {
        box: {
          pixels: main.box,
          normalized: {
            x: main.box.x / frame.width,
            y: main.box.y / frame.height,
            width: main.box.width / frame.width,
            height: main.box.height / frame.height,
          },
        },
        detectionScore: main.score,
        keypoints: main.keypoints,
        landmarks,
        pose: headPoseFromLandmarks(landmarks),
        eyeOpen,
        eyeAspectRatio: { left: eyeAspectRatio(landmarks, 'left'), right: eyeAspectRatio(landmarks, 'right') },
        mouthAspectRatio: mouthAspectRatio(landmarks),
        brightness: round(brightness(frame, main.box), 1),
        sharpness: round(sharpness(frame, crop), 1),
      };
      const t5 = performance.now();
      Object.assign(timings, { landmarks: t3 - t2, eyes: t4 - t3, quality: t5 - t4 });
      const every = this.settings.livenessEvery;
      const liveness = this.models.liveness;
      if (liveness && every > 0 && this.faceFrames++ % every === 0) {
        face.liveness = await liveness.run(frame, crop);
        timings.liveness = performance.now() - t5;
      }
      result.face = face;
    }
    const tq = performance.now();
    result.frameBrightness = round(brightness(frame), 1);
    timings.quality += performance.now() - tq;
    timings.total = performance.now() - t0;
    return result;
  }
}
