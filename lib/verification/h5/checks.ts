import type { LivenessAction } from '../../store/scenes';
import type { ReasonCode } from './reasons';
import type { EvidenceRole } from './evidence';

/**
 * Pure evidence checks over the server's own measurements. No I/O here: attempts.ts runs the
 * biometric engine and hands these functions plain numbers, so the rules are unit-testable.
 *
 * Direction convention (documented in the README's H5 section): actions are named from the
 * user's own point of view. The page shows a mirrored preview, but frames are analysed
 * unmirrored, where yaw > 0 means the nose points to IMAGE-right. A user turning to their own
 * left turns their nose towards the camera's right, i.e. image-right: turn_left ⇔ yaw increases,
 * turn_right ⇔ yaw decreases. (In the mirrored preview the user sees the nose move to the
 * screen's left, as in a mirror.)
 */

export interface FaceFacts {
  /** Face box width over min(image width, height). */
  relativeSize: number;
  yaw: number;
  pitch: number;
  /** Mean P(open) of both eyes (fr_eye). */
  eyeOpen: number;
  /** Mean eye aspect ratio of both eyes. */
  ear: number;
  mar: number;
  sharpness: number;
  brightness: number;
  liveness?: number;
  embedding?: Float32Array;
}

export interface FrameFacts {
  idx: number;
  role: EvidenceRole;
  action: LivenessAction | null;
  /** Faces that count as people (see countFaces). */
  faceCount: number;
  face?: FaceFacts;
}

/** Server-side thresholds. Deliberately looser than the page's (which choose the frames) so
 *  landmark noise between the two pipelines does not fail a genuine action; never tuned to a clip. */
export const SERVER_RULES = {
  /** A second detection counts as a person when at least this fraction of the main face's width. */
  secondFaceMinRelativeWidth: 0.35,
  bestFrame: { maxAbsYaw: 25, maxAbsPitch: 25, minEyeOpen: 0.5, minRelativeSize: 0.08 },
  blink: {
    /** Open: fr_eye says open. Closed: fr_eye says closed and the lids moved, or the lids moved a lot. */
    openMinEyeOpen: 0.5,
    closedMaxEyeOpen: 0.35,
    closedMaxEarRatio: 0.88,
    closedStrongEarRatio: 0.72,
  },
  mouthOpen: { minPeakMar: 0.35, minRise: 0.25 },
  turn: { minDelta: 20, minAbsPeak: 12 },
  nod: { minDelta: 15 },
} as const;

export function countPeople(widths: readonly number[]): number {
  if (widths.length === 0) return 0;
  const main = widths[0]!;
  return 1 + widths.slice(1).filter((w) => w >= SERVER_RULES.secondFaceMinRelativeWidth * main).length;
}

export function checkFaceCounts(frames: readonly FrameFacts[]): ReasonCode | null {
  if (frames.some((f) => f.faceCount === 0 || !f.face)) return 'NO_FACE';
  if (frames.some((f) => f.faceCount > 1)) return 'MULTIPLE_FACES';
  return null;
}

export function checkBestFrame(best: FaceFacts): ReasonCode | null {
  const r = SERVER_RULES.bestFrame;
  if (Math.abs(best.yaw) > r.maxAbsYaw || Math.abs(best.pitch) > r.maxAbsPitch) return 'LOW_QUALITY';
  if (best.eyeOpen < r.minEyeOpen) return 'LOW_QUALITY';
  if (best.relativeSize < r.minRelativeSize) return 'LOW_QUALITY';
  return null;
}

/** Is the challenged action visible in its three frames, measured by the server? */
export function actionVisible(action: LivenessAction, before: FaceFacts, peak: FaceFacts, after: FaceFacts): boolean {
  switch (action) {
    case 'blink': {
      const r = SERVER_RULES.blink;
      const openEar = (before.ear + after.ear) / 2;
      if (before.eyeOpen < r.openMinEyeOpen || after.eyeOpen < r.openMinEyeOpen || openEar <= 0) return false;
      const ratio = peak.ear / openEar;
      return (peak.eyeOpen <= r.closedMaxEyeOpen && ratio <= r.closedMaxEarRatio) || ratio <= r.closedStrongEarRatio;
    }
    case 'mouth_open': {
      const r = SERVER_RULES.mouthOpen;
      return peak.mar >= r.minPeakMar && peak.mar - before.mar >= r.minRise;
    }
    case 'turn_left':
    case 'turn_right': {
      const r = SERVER_RULES.turn;
      const dir = action === 'turn_left' ? 1 : -1;
      return (peak.yaw - before.yaw) * dir >= r.minDelta && peak.yaw * dir >= r.minAbsPeak;
    }
    case 'nod':
      return Math.abs(peak.pitch - before.pitch) >= SERVER_RULES.nod.minDelta;
  }
}

export function checkActions(frames: readonly FrameFacts[], challenges: readonly LivenessAction[]): ReasonCode | null {
  for (const action of challenges) {
    const get = (role: EvidenceRole) => frames.find((f) => f.action === action && f.role === role)?.face;
    const before = get('before');
    const peak = get('peak');
    const after = get('after');
    if (!before || !peak || !after || !actionVisible(action, before, peak, after)) return `LIVENESS_ACTION_NOT_DETECTED:${action}`;
  }
  return null;
}

/**
 * Same person in every frame. Near-frontal frames (best, before, after) must each match the best
 * frame; a peak frame (head turned, eyes shut, mouth wide) must match the best frame or one of its
 * own action's neighbours, whose pose is closer. `same(a, b)` applies the score threshold.
 */
export function checkSamePerson(frames: readonly FrameFacts[], same: (a: Float32Array, b: Float32Array) => boolean): ReasonCode | null {
  const best = frames.find((f) => f.role === 'best')?.face?.embedding;
  if (!best) return 'NO_FACE';
  for (const f of frames) {
    if (f.role === 'best') continue;
    const e = f.face?.embedding;
    if (!e) return 'NO_FACE';
    if (f.role !== 'peak') {
      if (!same(best, e)) return 'REPLACED_FACE_ATTACK';
      continue;
    }
    const neighbours = frames.filter((g) => g.action === f.action && g.role !== 'peak').map((g) => g.face?.embedding).filter((x): x is Float32Array => !!x);
    if (!same(best, e) && !neighbours.some((n) => same(n, e))) return 'REPLACED_FACE_ATTACK';
  }
  return null;
}

/** Passive anti-spoof: the median P(live) over the frames where it was measured. */
export function livenessMedian(frames: readonly FrameFacts[]): number | null {
  const v = frames.map((f) => f.face?.liveness).filter((x): x is number => typeof x === 'number').sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}
