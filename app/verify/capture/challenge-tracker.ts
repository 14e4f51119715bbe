// Watches one challenged action in the worker's per-frame measurements and says which frames
// to keep as evidence: one before the action (neutral), its peak, one after. Pure and
// frame-rate independent (times come from the frames). The server re-measures these frames
// with its own models and looser thresholds (lib/verification/h5/checks.ts), so the page asks
// for a clearer movement than the server requires.
//
// Direction: actions are the user's own left/right. Frames are unmirrored (yaw > 0 = nose to
// image-right), so turning to one's own left makes yaw grow: turn_left ⇔ yaw − baseline > 0.
import type { LivenessActionName } from '../../../lib/i18n/messages';
import type { FaceAnalysis } from '../../../workers/pipeline/types';

export interface Baseline {
  yaw: number;
  pitch: number;
  ear: number;
  mar: number;
}

export const CHALLENGE_RULES = {
  blink: { closedMaxEyeOpen: 0.3, closedMaxEarRatio: 0.85, closedStrongEarRatio: 0.7, openMinEyeOpen: 0.6, openMinEarRatio: 0.88 },
  /** Mouth aspect ratio is scale-free: a closed mouth is near 0 whatever the face. */
  mouth_open: { neutralMaxMar: 0.15, activeMinMar: 0.45, activeMinRise: 0.3 },
  turn: { neutralMaxDelta: 8, activeMinDelta: 25, activeMinAbs: 15 },
  /**
   * A nod is a movement and back, like a blink: it ends when the head returns (pitch within
   * returnMaxDelta of the "before" frame), so the "after" frame is near-frontal. The peak kept is
   * the strongest frame up to peakMaxDelta: a face tipped much further (head thrown back)
   * is hard to recognise and would fail the server's same-person check (measured on v07: the
   * server's similarity to a frontal frame falls from ≈93 at 50° of pitch to ≈80 at 54°).
   */
  nod: { neutralMaxDelta: 6, neutralMaxYawDelta: 15, activeMinDelta: 20, peakMaxDelta: 35, returnMaxDelta: 10 },
  /** A held movement (head turned, mouth open) counts once held this long; a blink must reopen. */
  holdMs: 500,
} as const;

export type TrackerKeep = 'before' | 'peak' | 'after';

export interface TrackerStep {
  keep: TrackerKeep | null;
  done: boolean;
  /** 0..1 within this challenge, for the progress ring. */
  progress: number;
}

type Phase = 'neutral' | 'active' | 'done';

const meanEye = (f: FaceAnalysis) => (f.eyeOpen.left + f.eyeOpen.right) / 2;
const meanEar = (f: FaceAnalysis) => (f.eyeAspectRatio.left + f.eyeAspectRatio.right) / 2;

export function baselineFrom(faces: readonly FaceAnalysis[]): Baseline {
  const med = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[s.length >> 1]! : 0;
  };
  return {
    yaw: med(faces.map((f) => f.pose.yaw)),
    pitch: med(faces.map((f) => f.pose.pitch)),
    ear: med(faces.map((f) => (f.eyeAspectRatio.left + f.eyeAspectRatio.right) / 2)),
    mar: med(faces.map((f) => f.mouthAspectRatio)),
  };
}

export class ChallengeTracker {
  private phase: Phase = 'neutral';
  /** The latest neutral frame: the "before" evidence, and what the action is measured against
   *  (the server compares the same two frames). */
  private before: FaceAnalysis | null = null;
  private peak = -Infinity;
  private activeSince = 0;

  constructor(
    readonly action: LivenessActionName,
    private readonly base: Baseline,
  ) {}

  /** Is this frame neutral (a candidate "before")? Relative to the align baseline for head pose. */
  private neutral(f: FaceAnalysis): boolean {
    const b = this.base;
    switch (this.action) {
      case 'blink': {
        const R = CHALLENGE_RULES.blink;
        return meanEye(f) >= R.openMinEyeOpen && meanEar(f) >= R.openMinEarRatio * b.ear;
      }
      case 'mouth_open':
        return f.mouthAspectRatio <= CHALLENGE_RULES.mouth_open.neutralMaxMar;
      case 'turn_left':
      case 'turn_right':
        return Math.abs(f.pose.yaw - b.yaw) <= CHALLENGE_RULES.turn.neutralMaxDelta;
      case 'nod':
        // Facing the camera, not just level: the "before" frame is compared with the best frame.
        return Math.abs(f.pose.pitch - b.pitch) <= CHALLENGE_RULES.nod.neutralMaxDelta && Math.abs(f.pose.yaw - b.yaw) <= CHALLENGE_RULES.nod.neutralMaxYawDelta;
    }
  }

  /** Strength of the action against the "before" frame, and whether it counts as done. */
  private active(f: FaceAnalysis, ref: FaceAnalysis): { strength: number; active: boolean } {
    switch (this.action) {
      case 'blink': {
        const R = CHALLENGE_RULES.blink;
        const ratio = meanEar(f) / (meanEar(ref) || 1);
        const eye = meanEye(f);
        return { strength: 1 - ratio + (1 - eye) * 0.1, active: (eye <= R.closedMaxEyeOpen && ratio <= R.closedMaxEarRatio) || ratio <= R.closedStrongEarRatio };
      }
      case 'mouth_open': {
        const R = CHALLENGE_RULES.mouth_open;
        return { strength: f.mouthAspectRatio, active: f.mouthAspectRatio >= R.activeMinMar && f.mouthAspectRatio - ref.mouthAspectRatio >= R.activeMinRise };
      }
      case 'turn_left':
      case 'turn_right': {
        const R = CHALLENGE_RULES.turn;
        const dir = this.action === 'turn_left' ? 1 : -1;
        const d = (f.pose.yaw - ref.pose.yaw) * dir;
        return { strength: d, active: d >= R.activeMinDelta && f.pose.yaw * dir >= R.activeMinAbs };
      }
      case 'nod': {
        const d = Math.abs(f.pose.pitch - ref.pose.pitch);
        return { strength: d, active: d >= CHALLENGE_RULES.nod.activeMinDelta };
      }
    }
  }

  step(f: FaceAnalysis, timeMs: number): TrackerStep {
    if (this.phase === 'done') return { keep: null, done: true, progress: 1 };
    if (this.phase === 'neutral') {
      const m = this.before ? this.active(f, this.before) : null;
      if (m?.active) {
        this.phase = 'active';
        this.peak = m.strength;
        this.activeSince = timeMs;
        return { keep: 'peak', done: false, progress: 0.6 };
      }
      if (this.neutral(f)) {
        this.before = f;
        return { keep: 'before', done: false, progress: 0.15 };
      }
      return { keep: null, done: false, progress: this.before ? 0.3 : 0 };
    }
    const m = this.active(f, this.before!);
    if (this.action === 'nod') {
      const N = CHALLENGE_RULES.nod;
      // Stronger but still recognisable: move the peak up to peakMaxDelta, never beyond it (and
      // away from a first active frame that was already beyond it, at a low frame rate).
      if (m.active && m.strength <= N.peakMaxDelta && (m.strength > this.peak || this.peak > N.peakMaxDelta)) {
        this.peak = m.strength;
        return { keep: 'peak', done: false, progress: 0.7 };
      }
      if (Math.abs(f.pose.pitch - this.before!.pose.pitch) <= N.returnMaxDelta) {
        this.phase = 'done';
        return { keep: 'after', done: true, progress: 1 };
      }
      return { keep: null, done: false, progress: 0.8 };
    }
    if (m.active && m.strength > this.peak) {
      this.peak = m.strength;
      return { keep: 'peak', done: false, progress: 0.7 };
    }
    const blink = this.action === 'blink';
    const held = timeMs - this.activeSince;
    const back = blink ? this.neutral(f) : !m.active || held >= CHALLENGE_RULES.holdMs;
    if (back && (blink || held >= 120)) {
      this.phase = 'done';
      return { keep: 'after', done: true, progress: 1 };
    }
    return { keep: null, done: false, progress: 0.8 };
  }
}
