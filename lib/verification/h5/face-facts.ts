import type { AnalyzedFace, ImageAnalysis } from '../../biometrics/engine';
import type { FaceFacts } from './checks';

/** The server engine's measurements of one face, as the evidence checks read them. */
export function faceFacts(a: ImageAnalysis, f: AnalyzedFace): FaceFacts {
  return {
    relativeSize: f.box.width / Math.max(1, Math.min(a.width, a.height)),
    yaw: f.pose.yaw,
    pitch: f.pose.pitch,
    eyeOpen: (f.eyeOpen.left + f.eyeOpen.right) / 2,
    ear: (f.ear.left + f.ear.right) / 2,
    mar: f.mar,
    sharpness: f.sharpness,
    brightness: f.brightness,
    liveness: f.liveness,
    embedding: f.embedding,
  };
}
