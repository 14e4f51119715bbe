// Capture-quality gate for the align step: every unmet condition has its own prompt, checked
// in the order a user can fix them (be there, be alone, distance, position, pose, light, blur).
//
// Position and size are judged against the guide the user actually sees, not the whole frame:
// the preview is a round <video> with object-fit: cover in a square, so what is visible is the
// central min(width, height) square of the frame and the guide is the circle inscribed in it,
// whatever aspect ratio the camera delivers. Close-up selfies (face ≈ 0.6–0.8 of the frame)
// are normal and pass.
import type { AlignPrompt } from '../../../lib/i18n/messages';
import type { FrameAnalysis } from '../../../workers/pipeline/types';

export const ALIGN_RULES = {
  /** Face box width over the guide circle's diameter. */
  minFaceSize: 0.28,
  maxFaceSize: 0.95,
  /** Face box centre's offset from the guide's centre, in guide diameters (x; y may be larger: boxes include the forehead). */
  maxOffsetX: 0.12,
  maxOffsetY: 0.16,
  /**
   * Once a condition is met it holds until it is clearly broken (hysteresis): a box hovering at
   * a limit must not make the prompt flicker. Limits widen by this factor while aligned.
   */
  hysteresis: 1.3,
  maxAbsYaw: 15,
  maxAbsPitch: 15,
  minBrightness: 60,
  maxBrightness: 225,
  minSharpness: 8,
  minEyeOpen: 0.5,
  /** How long every condition must hold before the challenges start. */
  holdMs: 600,
  /** A prompt stays at least this long before another replaces it (except for HOLD). */
  minPromptMs: 800,
  /** Help for the failing condition appears after this long without being aligned. */
  helpAfterMs: 5000,
} as const;

/** The guide circle in frame pixels: centre and diameter. */
export function guideCircle(frameWidth: number, frameHeight: number): { cx: number; cy: number; d: number } {
  return { cx: frameWidth / 2, cy: frameHeight / 2, d: Math.min(frameWidth, frameHeight) || 1 };
}

/**
 * Which condition fails, or HOLD. `aligned`: the previous frame passed, so the looser
 * (hysteresis) limits apply. Directions are for the mirrored preview: a face at image-right
 * shows on the screen's left, and the user moves right to centre it.
 */
export function evaluateAlign(a: FrameAnalysis, aligned = false): AlignPrompt {
  const R = ALIGN_RULES;
  const k = aligned ? R.hysteresis : 1;
  const f = a.face;
  if (a.faceCount === 0 || !f) return a.frameBrightness < R.minBrightness * 0.6 ? 'MORE_LIGHT' : 'NO_FACE';
  if (a.faceCount > 1) return 'MULTIPLE_FACES';
  const g = guideCircle(a.frameWidth, a.frameHeight);
  const b = f.box.pixels;
  const size = b.width / g.d;
  if (size < R.minFaceSize / k) return 'MOVE_CLOSER';
  if (size > Math.min(1.05, R.maxFaceSize * (aligned ? 1.05 : 1))) return 'MOVE_BACK';
  const dx = (b.x + b.width / 2 - g.cx) / g.d;
  const dy = (b.y + b.height / 2 - g.cy) / g.d;
  if (Math.abs(dx) > R.maxOffsetX * k || Math.abs(dy) > R.maxOffsetY * k) {
    if (Math.abs(dx) / R.maxOffsetX >= Math.abs(dy) / R.maxOffsetY) return dx > 0 ? 'MOVE_RIGHT' : 'MOVE_LEFT';
    return dy > 0 ? 'MOVE_UP' : 'MOVE_DOWN';
  }
  if (Math.abs(f.pose.yaw) > R.maxAbsYaw * k) return 'FACE_FRONT';
  if (Math.abs(f.pose.pitch) > R.maxAbsPitch * k) return 'LEVEL_HEAD';
  if (f.brightness < R.minBrightness / k) return 'MORE_LIGHT';
  if (f.brightness > R.maxBrightness * (aligned ? 1.05 : 1)) return 'LESS_LIGHT';
  if (f.sharpness < R.minSharpness / k) return 'HOLD_STILL';
  if ((f.eyeOpen.left + f.eyeOpen.right) / 2 < R.minEyeOpen / k) return 'OPEN_EYES';
  return 'HOLD';
}

/**
 * What the page shows: a new prompt replaces the shown one only after the shown one stayed
 * `minPromptMs` (HOLD and leaving HOLD are immediate only in one direction: "hold it" appears at
 * once when everything is met, since the hold timer runs from then).
 */
export class PromptStabilizer {
  private shown: AlignPrompt | null = null;
  private since = 0;

  show(raw: AlignPrompt, now: number): AlignPrompt {
    if (this.shown === null || raw === this.shown) {
      if (this.shown === null) this.since = now;
      this.shown = raw;
      return raw;
    }
    if (raw === 'HOLD' || now - this.since >= ALIGN_RULES.minPromptMs) {
      this.shown = raw;
      this.since = now;
    }
    return this.shown;
  }

  reset(): void {
    this.shown = null;
  }
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
