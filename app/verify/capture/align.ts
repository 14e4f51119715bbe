// Capture-quality gate for the align step: every unmet condition has its own prompt, checked
// in the order a user can fix them (be there, be alone, distance, position, pose, light, blur).
import type { AlignPrompt } from '../../../lib/i18n/messages';
import type { FrameAnalysis } from '../../../workers/pipeline/types';

export const ALIGN_RULES = {
  /** Face box width over min(frame width, height). */
  minFaceSize: 0.2,
  maxFaceSize: 0.85,
  /** The face box must lie inside these borders (fractions of each side). */
  border: 0.1,
  /** The top edge may come closer to the frame edge: detector boxes include the forehead. */
  topBorder: 0.02,
  maxAbsYaw: 15,
  maxAbsPitch: 15,
  minBrightness: 60,
  maxBrightness: 225,
  minSharpness: 8,
  minEyeOpen: 0.5,
  /** How long every condition must hold before the challenges start. */
  holdMs: 600,
} as const;

export function evaluateAlign(a: FrameAnalysis): AlignPrompt {
  const R = ALIGN_RULES;
  const f = a.face;
  if (a.faceCount === 0 || !f) return a.frameBrightness < R.minBrightness * 0.6 ? 'MORE_LIGHT' : 'NO_FACE';
  if (a.faceCount > 1) return 'MULTIPLE_FACES';
  const side = Math.min(a.frameWidth, a.frameHeight) || 1;
  const size = f.box.pixels.width / side;
  if (size < R.minFaceSize) return 'MOVE_CLOSER';
  if (size > R.maxFaceSize) return 'MOVE_BACK';
  const b = f.box.normalized;
  if (b.x < R.border || b.x + b.width > 1 - R.border || b.y < R.topBorder || b.y + b.height > 1 - R.border) return 'CENTER_FACE';
  if (Math.abs(f.pose.yaw) > R.maxAbsYaw) return 'FACE_FRONT';
  if (Math.abs(f.pose.pitch) > R.maxAbsPitch) return 'LEVEL_HEAD';
  if (f.brightness < R.minBrightness) return 'MORE_LIGHT';
  if (f.brightness > R.maxBrightness) return 'LESS_LIGHT';
  if (f.sharpness < R.minSharpness) return 'HOLD_STILL';
  if ((f.eyeOpen.left + f.eyeOpen.right) / 2 < R.minEyeOpen) return 'OPEN_EYES';
  return 'HOLD';
}

/** Higher is a better "best frame": frontal, eyes open, sharp, well lit. */
export function bestFrameScore(a: FrameAnalysis): number {
  const f = a.face;
  if (!f) return -1;
  const frontal = Math.max(0, 1 - Math.abs(f.pose.yaw) / 30) * Math.max(0, 1 - Math.abs(f.pose.pitch) / 30);
  const eyes = (f.eyeOpen.left + f.eyeOpen.right) / 2;
  const light = 1 - Math.min(1, Math.abs(f.brightness - 130) / 130);
  const sharp = Math.min(1, f.sharpness / 200);
  return frontal * (0.5 + 0.5 * eyes) * (0.5 + 0.5 * light) * (0.5 + 0.5 * sharp);
}
