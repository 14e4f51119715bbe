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
  /**
   * Face box centre's offset from the guide's centre, in guide diameters, at most this much and
   * never so far that the box leaves the circle (offset + half the box ≤ 0.55: the box's corners
   * may stick out, its sides may not).
   */
  maxOffsetX: 0.2,
  maxOffsetY: 0.2,
  maxEdge: 0.55,
  /**
   * The edge limit while aligned: hysteresis widens the offsets, never this much, so "hold it"
   * never shows with a side of the face box outside the round preview (the offsets widened by
   * 1.3 used to let a big face sit half outside the circle).
   */
  maxEdgeAligned: 0.58,
  /** Face box height over the guide's diameter: taller means forehead or chin is cut off. */
  maxFaceHeight: 1.0,
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
  /**
   * Eyes shut for less than this is a natural blink (0.1–0.4 s), not "open your eyes": the hold
   * goes on (without the blink's frames) instead of a 1 s prompt and a restart.
   */
  blinkGraceMs: 400,
  /** A prompt stays at least this long before another replaces it (HOLD included: no flicker, ≤ 1 change per 0.8 s). */
  // ≥ 0.8 s as the user sees it, with room for a render that lands a frame or two late on a busy phone.
  minPromptMs: 1000,
  /** Help for the failing condition appears after this long without being aligned. */
  helpAfterMs: 5000,
} as const;

export interface Guide {
  /** Centre of the guide circle and its diameter, in frame pixels. */
  cx: number;
  cy: number;
  d: number;
  /** The preview's object-position (0–100 %) that shows this guide's square. */
  posX: number;
  posY: number;
}

/** The guide circle in frame pixels when the preview shows the frame's central square. */
export function guideCircle(frameWidth: number, frameHeight: number): Guide {
  return { cx: frameWidth / 2, cy: frameHeight / 2, d: Math.min(frameWidth, frameHeight) || 1, posX: 50, posY: 50 };
}

/**
 * The preview pans (object-position) within the frame's spare width or height towards the face,
 * smoothly, like a phone's "centre stage": a webcam that sees the user off to one side still
 * shows the face in the circle. The guide the user sees moves with it, so align is judged
 * against the same square.
 */
export function pannedGuide(frameWidth: number, frameHeight: number, face: { x: number; y: number; width: number; height: number } | undefined, prev: Guide | null): Guide {
  const d = Math.min(frameWidth, frameHeight) || 1;
  const spareX = frameWidth - d;
  const spareY = frameHeight - d;
  let left = prev ? prev.cx - d / 2 : spareX / 2;
  let top = prev ? prev.cy - d / 2 : spareY / 2;
  if (face) {
    const clamp = (v: number, hi: number) => Math.max(0, Math.min(hi, v));
    const tx = clamp(face.x + face.width / 2 - d / 2, spareX);
    const ty = clamp(face.y + face.height / 2 - d / 2, spareY);
    // Ease towards the face (a third of the way per analysed frame): no jumps, no jitter.
    left += (tx - left) / 3;
    top += (ty - top) / 3;
  }
  return { cx: left + d / 2, cy: top + d / 2, d, posX: spareX > 0 ? (left / spareX) * 100 : 50, posY: spareY > 0 ? (top / spareY) * 100 : 50 };
}

/**
 * Which condition fails, or HOLD. `aligned`: the previous frame passed, so the looser
 * (hysteresis) limits apply. Directions are for the mirrored preview: a face at image-right
 * shows on the screen's left, and the user moves right to centre it.
 */
export function evaluateAlign(a: FrameAnalysis, aligned = false, guide: Guide = guideCircle(a.frameWidth, a.frameHeight)): AlignPrompt {
  const R = ALIGN_RULES;
  const k = aligned ? R.hysteresis : 1;
  const f = a.face;
  if (a.faceCount === 0 || !f) return a.frameBrightness < R.minBrightness * 0.6 ? 'MORE_LIGHT' : 'NO_FACE';
  if (a.faceCount > 1) return 'MULTIPLE_FACES';
  const g = guide;
  const b = f.box.pixels;
  const size = b.width / g.d;
  if (size < R.minFaceSize / k) return 'MOVE_CLOSER';
  if (size > Math.min(1.05, R.maxFaceSize * (aligned ? 1.05 : 1))) return 'MOVE_BACK';
  const height = b.height / g.d;
  if (height > R.maxFaceHeight * (aligned ? 1.05 : 1)) return 'MOVE_BACK';
  const dx = (b.x + b.width / 2 - g.cx) / g.d;
  const dy = (b.y + b.height / 2 - g.cy) / g.d;
  // Offsets widen with hysteresis; the edge limit barely does (see maxEdgeAligned).
  const edge = aligned ? R.maxEdgeAligned : R.maxEdge;
  const limX = Math.min(R.maxOffsetX * k, Math.max(0.05, edge - size / 2));
  const limY = Math.min(R.maxOffsetY * k, Math.max(0.05, edge - height / 2));
  if (Math.abs(dx) > limX || Math.abs(dy) > limY) {
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
 * `minPromptMs`, whichever prompt it is (HOLD too: a box hovering at a limit used to swap "move
 * to the middle" and "hold it" several times a second). The first prompt shows at once: before
 * it the page only says "detecting". Generic over the prompt type so the challenge screen (the
 * action, or "no face") uses the same rule.
 */
export class PromptStabilizer<P = AlignPrompt> {
  private shown: P | null = null;
  private since = 0;

  constructor(private readonly minMs: number = ALIGN_RULES.minPromptMs) {}

  show(raw: P, now: number): P {
    if (this.shown === null || raw === this.shown) {
      if (this.shown === null) this.since = now;
      this.shown = raw;
      return raw;
    }
    if (now - this.since >= this.minMs) {
      this.shown = raw;
      this.since = now;
    }
    return this.shown;
  }

  /** What is on screen (null: nothing yet). */
  get current(): P | null {
    return this.shown;
  }

  reset(): void {
    this.shown = null;
  }
}

/**
 * A natural blink (eyes shut for less than `blinkGraceMs`) is not "open your eyes":
 * evaluateAlign checks the eyes last, so OPEN_EYES means everything else is right. While
 * aligned, the blink is still "hold it" and `blinking` says to leave its frames out of the hold
 * (best frame, baseline). Before that, `raw` is null: keep what is shown (at the start of align,
 * the neutral "detecting"), since a first frame caught mid-blink says nothing yet. Eyes shut
 * longer are OPEN_EYES.
 */
export class BlinkGrace {
  private shutSince = 0;

  constructor(private readonly graceMs: number = ALIGN_RULES.blinkGraceMs) {}

  see(raw: AlignPrompt, aligned: boolean, now: number): { raw: AlignPrompt | null; blinking: boolean } {
    if (raw !== 'OPEN_EYES') {
      this.shutSince = 0;
      return { raw, blinking: false };
    }
    if (!this.shutSince) this.shutSince = now;
    if (now - this.shutSince >= this.graceMs) return { raw, blinking: false };
    return aligned ? { raw: 'HOLD', blinking: true } : { raw: null, blinking: true };
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
