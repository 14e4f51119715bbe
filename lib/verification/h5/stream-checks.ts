import type { LivenessAction } from '../../store/scenes';
import { actionVisible, type FaceFacts } from './checks';
import type { ReasonCode } from './reasons';

/**
 * Pure checks over the live stream (DESIGN §8): the frames' capture times (the page's clock),
 * their arrival times (the server's clock) and the server's own per-frame measurements. No I/O,
 * so every rule is unit-testable with plain numbers.
 */

/** The server's per-frame measurements of one streamed frame (no embedding: that runs on samples). */
export interface StreamFrameFacts {
  /** Faces that count as people (countPeople). */
  faceCount: number;
  /** Detector score of the main face. */
  score?: number;
  /** Main face box centre and width as fractions of min(frame width, height). */
  box?: { cx: number; cy: number; w: number };
  face?: FaceFacts;
}

/** A streamed frame; lists of them are in capture order (seq is only an id: the page may send a
 *  frame it analysed a moment after a later one it streamed). */
export interface StreamFrame {
  seq: number;
  captureTs: number;
  arrivalTs: number;
  facts: StreamFrameFacts | null;
}

export const STREAM_RULES = {
  /** Fewer frames per second of capture than this is not a live stream (the page sends ≈ 8). */
  minFps: 4,
  /**
   * No hole between two consecutive captures longer than this (the page sends every ≈ 125 ms; a
   * phone starved of CPU was measured with holes up to 1.7 s on genuine attempts).
   */
  maxCaptureGapMs: 2000,
  /** No pause between two arrivals longer than this, from the first frame to the last challenge. */
  maxArrivalGapMs: 5000,
  /**
   * Live frames arrive a roughly constant time after they were captured. The spread of
   * (arrival − capture) over the stream grows with every frame held back: frames of a 10 s
   * recording posted in one go spread by ≈ 10 s. A slow uplink or a starved phone queues frames
   * too (genuine attempts on an overloaded machine: up to 5.7 s), and holding frames back buys an
   * attacker nothing the challenge timing does not already bound (an action counts only from
   * frames that arrive after its issue and within its limit), so the bound is loose.
   */
  maxLagSpreadMs: 8000,
  /** Capture times must increase (the page may grab the same camera frame twice a few ms apart: its timer and its analysis loop). */
  minCaptureIntervalMs: 0.001,
  /** At least this share of frames must show a face (motion blur may lose a few). */
  minFaceFraction: 0.8,
  /** More than this many frames with a second person fail the attempt. */
  maxMultiFaceFrames: 2,
  /** An attempt whose frames were, for this share or more, streamed by another attempt in the same order (runs of three) is a replay. */
  replayFraction: 0.8,
  continuity: {
    /** Frames on each side of a possible cut whose median box is compared. */
    window: 3,
    /** Only confident detections take part (a one-frame false detection must not look like a cut). */
    minScore: 0.9,
    /**
     * Median face centre moved by more than this many face widths between neighbouring windows
     * (≈ 0.4 s): a gross jump. Head turns move the detected box a lot (v07's 50° turns: 0.34),
     * so position alone cannot tell a cut from a turn; it only catches jumps beyond any turn.
     */
    maxShiftWidths: 0.6,
    /**
     * …or the face size changed by more than this (|ln ratio|) within maxGapMs: a cut to another
     * framing. Genuine clips: ≤ 0.12 frame to frame at 8 fps over all eight dev clips (v03's
     * mouth opening, v07's turns), 0.124 between windows on v07; a ×1.5 re-framed second
     * recording of the same person: 0.29.
     */
    maxLogSizeRatio: 0.22,
    maxGapMs: 700,
  },
} as const;

export interface CadenceMetrics {
  frames: number;
  fps: number;
  maxCaptureGapMs: number;
  maxArrivalGapMs: number;
  lagSpreadMs: number;
}

/**
 * Real-time cadence (`frames` in capture order): plausible, distinct timestamps, at a live
 * frame rate, without holes, arriving while they are captured (no burst at the end). `endTs` is
 * the server time the stream had to last until (the last challenge seen, or finish).
 */
export function checkCadence(frames: readonly StreamFrame[], endTs: number): { reason: ReasonCode | null; metrics: CadenceMetrics } {
  const R = STREAM_RULES;
  const metrics: CadenceMetrics = { frames: frames.length, fps: 0, maxCaptureGapMs: 0, maxArrivalGapMs: 0, lagSpreadMs: 0 };
  if (frames.length < 2) return { reason: 'CAPTURE_NOT_LIVE', metrics };
  let minLag = Infinity;
  let maxLag = -Infinity;
  let monotonic = true;
  let maxArrival = -Infinity;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    const lag = f.arrivalTs - f.captureTs;
    // Arrival gaps are measured in arrival order (the server's clock), capture gaps in capture order.
    maxArrival = Math.max(maxArrival, f.arrivalTs);
    minLag = Math.min(minLag, lag);
    maxLag = Math.max(maxLag, lag);
    if (i === 0) continue;
    const p = frames[i - 1]!;
    const dc = f.captureTs - p.captureTs;
    if (!(dc >= R.minCaptureIntervalMs)) monotonic = false;
    metrics.maxCaptureGapMs = Math.max(metrics.maxCaptureGapMs, dc);
  }
  const arrivals = frames.map((f) => f.arrivalTs).sort((a, b) => a - b);
  for (let i = 1; i < arrivals.length; i++) metrics.maxArrivalGapMs = Math.max(metrics.maxArrivalGapMs, arrivals[i]! - arrivals[i - 1]!);
  metrics.maxArrivalGapMs = Math.max(metrics.maxArrivalGapMs, endTs - maxArrival);
  const last = frames[frames.length - 1]!;
  const span = last.captureTs - frames[0]!.captureTs;
  metrics.fps = span > 0 ? ((frames.length - 1) * 1000) / span : 0;
  metrics.lagSpreadMs = maxLag - minLag;
  const round = (x: number) => Math.round(x * 10) / 10;
  metrics.fps = round(metrics.fps);
  metrics.maxCaptureGapMs = round(metrics.maxCaptureGapMs);
  metrics.lagSpreadMs = round(metrics.lagSpreadMs);
  const live = monotonic && metrics.fps >= R.minFps && metrics.maxCaptureGapMs <= R.maxCaptureGapMs && metrics.maxArrivalGapMs <= R.maxArrivalGapMs && metrics.lagSpreadMs <= R.maxLagSpreadMs;
  return { reason: live ? null : 'CAPTURE_NOT_LIVE', metrics };
}

/** Faces throughout: enough frames with a face, hardly any with a second person. */
export function checkStreamFaces(frames: readonly StreamFrame[]): ReasonCode | null {
  const analysed = frames.filter((f) => f.facts);
  if (analysed.length === 0) return 'NO_FACE';
  const withFace = analysed.filter((f) => f.facts!.faceCount > 0 && f.facts!.face).length;
  if (withFace / analysed.length < STREAM_RULES.minFaceFraction) return 'NO_FACE';
  if (analysed.filter((f) => f.facts!.faceCount > 1).length > STREAM_RULES.maxMultiFaceFrames) return 'MULTIPLE_FACES';
  return null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Continuity: one face that moves smoothly. A cut between two recordings shows as a jump of the
 * face's position or size that persists; comparing the median box of the frames just before and
 * just after each point ignores a single false detection.
 */
export function checkContinuity(frames: readonly StreamFrame[]): { reason: ReasonCode | null; maxShift: number; maxLogSize: number } {
  const C = STREAM_RULES.continuity;
  // Near-frontal frames only: a head tipped down or turned far distorts the detector's box.
  const seq = frames.filter((f) => f.facts?.box && (f.facts.score ?? 0) >= C.minScore && Math.abs(f.facts.face?.pitch ?? 0) <= 25 && Math.abs(f.facts.face?.yaw ?? 0) <= 30);
  let maxShift = 0;
  let maxLogSize = 0;
  for (let i = C.window; i + C.window <= seq.length; i++) {
    if (seq[i]!.captureTs - seq[i - 1]!.captureTs > C.maxGapMs) continue;
    const before = seq.slice(i - C.window, i).map((f) => f.facts!.box!);
    const after = seq.slice(i, i + C.window).map((f) => f.facts!.box!);
    const b = { cx: median(before.map((x) => x.cx)), cy: median(before.map((x) => x.cy)), w: median(before.map((x) => x.w)) };
    const a = { cx: median(after.map((x) => x.cx)), cy: median(after.map((x) => x.cy)), w: median(after.map((x) => x.w)) };
    const shift = Math.hypot(a.cx - b.cx, a.cy - b.cy) / ((a.w + b.w) / 2 || 1);
    const logSize = Math.abs(Math.log((a.w || 1e-6) / (b.w || 1e-6)));
    maxShift = Math.max(maxShift, shift);
    maxLogSize = Math.max(maxLogSize, logSize);
  }
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const cut = maxShift > C.maxShiftWidths || maxLogSize > C.maxLogSizeRatio;
  return { reason: cut ? 'CAPTURE_DISCONTINUITY' : null, maxShift: round(maxShift), maxLogSize: round(maxLogSize) };
}

/** Maps the page's capture clock onto the server's: the smallest (arrival − capture) seen. */
export function clockOffset(frames: readonly StreamFrame[]): number {
  let min = Infinity;
  for (const f of frames) min = Math.min(min, f.arrivalTs - f.captureTs);
  return Number.isFinite(min) ? min : 0;
}

export interface ActionEvidence {
  before: number;
  peak: number;
  after: number;
}

/**
 * Finds the challenged action in the server's own measurements, started after it was issued:
 * a "before" frame captured (mapped to server time) and received after `issuedAt`, a peak after
 * it, and — for a blink — eyes open again after the peak, all by `deadline`. Returns the seqs
 * of the three frames, or null.
 */
export function findAction(action: LivenessAction, frames: readonly StreamFrame[], issuedAt: number, deadline: number, offset: number): ActionEvidence | null {
  const win = frames.filter((f) => f.facts?.face && f.facts.faceCount === 1 && f.captureTs + offset >= issuedAt && f.arrivalTs >= issuedAt && f.captureTs + offset <= deadline);
  // The rest position the action starts from is a steady view: a misread pose (STEADY_VIEW) must
  // not stand in for it, or the frame the identity check compares is not the face it claims.
  const steady = steadyViews(frames);
  const needsAfter = action === 'blink';
  for (let p = 1; p < win.length; p++) {
    const peak = win[p]!.facts!.face!;
    for (let b = p - 1; b >= 0 && win[p]!.captureTs - win[b]!.captureTs <= 4000; b--) {
      if (!steady.has(win[b]!.seq)) continue;
      const before = win[b]!.facts!.face!;
      if (!needsAfter) {
        if (actionVisible(action, before, peak, peak)) return { before: win[b]!.seq, peak: win[p]!.seq, after: win[p]!.seq };
        continue;
      }
      for (let a = p + 1; a < win.length && win[a]!.captureTs - win[p]!.captureTs <= 2000; a++) {
        if (actionVisible(action, before, peak, win[a]!.facts!.face!)) return { before: win[b]!.seq, peak: win[p]!.seq, after: win[a]!.seq };
      }
    }
  }
  return null;
}

/**
 * What counts as a steady view, one whose pose reading the server trusts. The pose model misreads
 * a head tipped far back: v07's woman, chin up at ≈ 55°, reads as yaw −2°, pitch 3° on 2–3 frames
 * (≈ 240 ms) between frames that read 47–57°, and those frames score 32–55 against her own frontal
 * face (≥ 96 on every correctly read frame, turned up to 55°). A real head cannot swing 45° and
 * back within a quarter second and then be still, so a frame counts as steady only when every
 * frame captured within `windowMs` on each side has a face whose yaw and pitch are within
 * `maxPoseChangeDeg` of its own (≤ 67°/s: a head being held, not one in the middle of a nod), and
 * at least one such frame exists on each side (on a starved phone with no frame that close, the
 * nearest one within `maxNeighbourGapMs`).
 */
export const STEADY_VIEW = { windowMs: 300, maxPoseChangeDeg: 20, maxNeighbourGapMs: 1000 } as const;

/** Seqs of the frames that are steady views (see STEADY_VIEW). Frames must be in capture order. */
export function steadyViews(frames: readonly StreamFrame[]): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < frames.length; i++) {
    const me = frames[i]!;
    const f = me.facts?.face;
    if (!f || me.facts!.faceCount !== 1 || (me.facts!.score ?? 0) < STREAM_RULES.continuity.minScore) continue;
    const agrees = (j: number) => {
      const g = frames[j]!.facts?.face;
      return !!g && Math.abs(g.yaw - f.yaw) <= STEADY_VIEW.maxPoseChangeDeg && Math.abs(g.pitch - f.pitch) <= STEADY_VIEW.maxPoseChangeDeg;
    };
    let ok = true;
    let sides = 0;
    for (const dir of [-1, 1]) {
      const j0 = i + dir;
      if (j0 < 0 || j0 >= frames.length || Math.abs(frames[j0]!.captureTs - me.captureTs) > STEADY_VIEW.maxNeighbourGapMs) continue;
      sides++;
      // Every frame within the window, or the nearest one when a slow phone sent none that close.
      for (let j = j0; j >= 0 && j < frames.length && (j === j0 || Math.abs(frames[j]!.captureTs - me.captureTs) <= STEADY_VIEW.windowMs); j += dir) {
        if (!agrees(j)) ok = false;
      }
    }
    if (ok && sides === 2) out.add(me.seq);
  }
  return out;
}

/**
 * The frames whose embedding and passive anti-spoof are computed: `count` near-frontal steady
 * views, one drawn at random from each of `count` equal stretches of the stream, chosen by the
 * server after the frames arrived (the page cannot know which frames are checked). `frames` in
 * capture order; `steady` from steadyViews over the whole stream (neighbours count even when
 * they are not candidates themselves).
 */
export function pickSamples(frames: readonly StreamFrame[], count: number, randomInt: (max: number) => number, steady: ReadonlySet<number> = steadyViews(frames)): number[] {
  const usable = frames.filter((f) => {
    const x = f.facts;
    return steady.has(f.seq) && x?.face && x.faceCount === 1 && Math.abs(x.face.yaw) <= 25 && Math.abs(x.face.pitch) <= 25;
  });
  if (usable.length <= count) return usable.map((f) => f.seq);
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    const lo = Math.floor((k * usable.length) / count);
    const hi = Math.floor(((k + 1) * usable.length) / count);
    out.push(usable[lo + randomInt(Math.max(1, hi - lo))]!.seq);
  }
  return out;
}
