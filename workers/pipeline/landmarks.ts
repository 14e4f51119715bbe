// 68-point landmarks with fr_landmark (1×1×64×64 grey /256 → 68 (x, y) relative to the crop).
// The model was trained on square crops of the Ultra-Light detector's box (side = box height),
// not on BlazeFace boxes. In those crops, measured on the test stills, the eye midpoint sits at
// (0.50, 0.39) of the side, eye-to-mouth is 0.37 and eye-to-eye 0.35 of the side; the crop is
// rebuilt from BlazeFace's keypoints to match. Taking the larger of the two distance-based
// estimates keeps the scale right when yaw shortens the eye distance or pitch the eye–mouth one.
import type { ort } from './ort-runtime';
import { runSingle } from './ort-runtime';
import { sampleGrey, type RgbaFrame, type SampleRect } from './pixels';
import type { DetectedFace } from './detector';
import type { Point } from './types';

const INPUT = 64;
const EYE_Y = 0.39;
const EYE_MOUTH = 0.37;
const EYE_EYE = 0.35;

/** Square crop in frame pixels, in the framing fr_landmark (and fr_liveness) expect. */
export function faceCrop(face: DetectedFace, scale = 1): SampleRect {
  const [leftEye, rightEye, , mouth] = face.keypoints;
  const b = face.box;
  if (!leftEye || !rightEye || !mouth) {
    const side = Math.max(b.width, b.height) * 1.2 * scale;
    return { x: b.x + b.width / 2 - side / 2, y: b.y + b.height / 2 - side / 2, width: side, height: side };
  }
  const eyeMid: Point = [(leftEye[0] + rightEye[0]) / 2, (leftEye[1] + rightEye[1]) / 2];
  const eyeEye = Math.hypot(rightEye[0] - leftEye[0], rightEye[1] - leftEye[1]);
  const eyeMouth = Math.hypot(mouth[0] - eyeMid[0], mouth[1] - eyeMid[1]);
  const side = Math.max(eyeMouth / EYE_MOUTH, eyeEye / EYE_EYE) * scale;
  // Horizontally the detector box stays on the head under yaw while the eyes slide sideways.
  const cx = b.x + b.width / 2;
  return { x: cx - side / 2, y: eyeMid[1] - EYE_Y * side, width: side, height: side };
}

export class LandmarkModel {
  constructor(private readonly session: ort.InferenceSession) {}

  async run(frame: RgbaFrame, crop: SampleRect): Promise<Point[]> {
    const grey = sampleGrey(frame, crop, INPUT);
    for (let i = 0; i < grey.length; i++) grey[i] = grey[i]! / 256;
    const out = await runSingle(this.session, grey, [1, 1, INPUT, INPUT]);
    const points: Point[] = [];
    for (let i = 0; i < 68; i++) points.push([crop.x + out[2 * i]! * crop.width, crop.y + out[2 * i + 1]! * crop.height]);
    return points;
  }

  dispose(): Promise<void> {
    return this.session.release();
  }
}
