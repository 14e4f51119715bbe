import type { HeadPose, Point } from '../face-geometry';
import type { FaceBox } from './detect';

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
  /**
   * Milliseconds per stage, plus `queue` (waiting for a worker), `ipc` (hand-over to and from
   * the worker thread) and `total`.
   */
  timings: Record<string, number>;
}

export interface AnalyzeOptions {
  embed?: boolean;
  liveness?: boolean;
  /** How many faces get landmarks/pose/quality (default 5); every detection still counts. */
  maxFaces?: number;
  /**
   * Scheduling lane in the worker pool (lib/biometrics/pool.ts): 'interactive' (default) for a
   * person waiting at the camera, 'batch' for partner API calls, which cannot then starve them.
   */
  lane?: 'interactive' | 'batch';
}
