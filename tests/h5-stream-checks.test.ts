// Pure checks of the live capture with plain numbers: cadence, continuity, the action's onset
// after issue, the server's sampling, injection signals and the page's align against the guide.
// No server, no media.
import { describe, expect, it } from 'vitest';
import { checkCadence, checkContinuity, checkStreamFaces, clockOffset, findAction, pickSamples, steadyViews, STREAM_RULES, type StreamFrame, type StreamFrameFacts } from '../lib/verification/h5/stream-checks';
import type { FaceFacts } from '../lib/verification/h5/checks';
import { classifySignals } from '../lib/verification/h5/camera-signals';
import { ALIGN_RULES, BlinkGrace, evaluateAlign, guideCircle, PromptStabilizer } from '../app/verify/capture/align';
import type { FaceAnalysis, FrameAnalysis } from '../workers/pipeline/types';

const face = (o: Partial<FaceFacts> = {}): FaceFacts => ({ relativeSize: 0.5, yaw: 0, pitch: 0, eyeOpen: 1, ear: 0.28, mar: 0.03, sharpness: 200, brightness: 120, ...o });
const facts = (o: { face?: Partial<FaceFacts>; box?: { cx: number; cy: number; w: number }; score?: number; faceCount?: number } = {}): StreamFrameFacts => ({
  faceCount: o.faceCount ?? 1,
  score: o.score ?? 0.98,
  box: o.box ?? { cx: 0.5, cy: 0.5, w: 0.5 },
  face: face(o.face),
});

/** A live stream: `n` frames every `interval` ms of capture, each arriving `lag` ms later (server clock = page clock + 1e6). */
const live = (n: number, o: { interval?: number; lag?: number; start?: number; facts?: (i: number) => StreamFrameFacts | null } = {}): StreamFrame[] => {
  const interval = o.interval ?? 125;
  const start = o.start ?? 10_000;
  return Array.from({ length: n }, (_, i) => ({ seq: i, captureTs: start + i * interval, arrivalTs: 1e6 + start + i * interval + (o.lag ?? 80) + (i % 3) * 15, facts: o.facts ? o.facts(i) : facts() }));
};
const endOf = (fs: StreamFrame[]) => Math.max(...fs.map((f) => f.arrivalTs)) + 100;

describe('checkCadence', () => {
  it('a live stream at 8 fps passes', () => {
    const fs = live(80);
    const r = checkCadence(fs, endOf(fs));
    expect(r.reason).toBe(null);
    expect(r.metrics.fps).toBeCloseTo(8, 0);
    expect(r.metrics.lagSpreadMs).toBeLessThan(STREAM_RULES.maxLagSpreadMs);
  });

  it('a burst at the end (10 s of capture arriving at once) is CAPTURE_NOT_LIVE', () => {
    const fs = live(80).map((f) => ({ ...f, arrivalTs: 1e6 + 25_000 + (f.seq % 12) }));
    const r = checkCadence(fs, endOf(fs));
    expect(r.reason).toBe('CAPTURE_NOT_LIVE');
    expect(r.metrics.lagSpreadMs).toBeGreaterThan(9000);
  });

  it('frames with 1 s pauses between them are CAPTURE_NOT_LIVE', () => {
    // Cut from a clip and posted one by one with a pause: a live-looking lag, but 1 fps.
    const fs = live(10, { interval: 1000 });
    const r = checkCadence(fs, endOf(fs));
    expect(r.reason).toBe('CAPTURE_NOT_LIVE');
    expect(r.metrics.fps).toBeLessThan(STREAM_RULES.minFps);
    // A live stream with one hole of more than maxCaptureGapMs fails too.
    const holed = live(60).map((f) => (f.seq >= 30 ? { ...f, captureTs: f.captureTs + STREAM_RULES.maxCaptureGapMs + 100, arrivalTs: f.arrivalTs + STREAM_RULES.maxCaptureGapMs + 100 } : f));
    const h = checkCadence(holed, endOf(holed));
    expect(h.reason).toBe('CAPTURE_NOT_LIVE');
    expect(h.metrics.maxCaptureGapMs).toBeGreaterThan(STREAM_RULES.maxCaptureGapMs);
    // …and a stream that stops arriving long before the end it had to last until.
    const fsLive = live(60);
    expect(checkCadence(fsLive, endOf(fsLive) + STREAM_RULES.maxArrivalGapMs + 500).reason).toBe('CAPTURE_NOT_LIVE');
  });

  it('non-monotonic or duplicated capture times are CAPTURE_NOT_LIVE', () => {
    const fs = live(40);
    const swapped = [...fs];
    [swapped[10], swapped[11]] = [swapped[11]!, swapped[10]!];
    expect(checkCadence(swapped, endOf(fs)).reason).toBe('CAPTURE_NOT_LIVE');
    const dup = fs.map((f) => (f.seq === 20 ? { ...f, captureTs: fs[19]!.captureTs } : f));
    expect(checkCadence(dup, endOf(fs)).reason).toBe('CAPTURE_NOT_LIVE');
    // The page may grab the same camera frame twice a few ms apart (its timer and its analysis loop): allowed.
    const close = fs.map((f) => (f.seq === 20 ? { ...f, captureTs: fs[19]!.captureTs + 2 } : f));
    expect(checkCadence(close, endOf(fs)).reason).toBeNull();
  });

  it('a low frame rate fails; fewer than two frames fail', () => {
    const fs = live(30, { interval: 400 }); // 2.5 fps, no gap over the limit
    const r = checkCadence(fs, endOf(fs));
    expect(r.metrics.maxCaptureGapMs).toBeLessThanOrEqual(STREAM_RULES.maxCaptureGapMs);
    expect(r.reason).toBe('CAPTURE_NOT_LIVE');
    expect(checkCadence(live(1), 1e6 + 20_000).reason).toBe('CAPTURE_NOT_LIVE');
    expect(checkCadence([], 0).reason).toBe('CAPTURE_NOT_LIVE');
  });
});

describe('checkStreamFaces', () => {
  it('needs a face throughout and at most a couple of frames with a second person', () => {
    expect(checkStreamFaces(live(20))).toBe(null);
    expect(checkStreamFaces(live(20, { facts: (i) => (i % 2 ? { faceCount: 0 } : facts()) }))).toBe('NO_FACE');
    expect(checkStreamFaces(live(20, { facts: () => null }))).toBe('NO_FACE');
    expect(checkStreamFaces(live(20, { facts: (i) => facts({ faceCount: i < 5 ? 2 : 1 }) }))).toBe('MULTIPLE_FACES');
  });
});

describe('checkContinuity', () => {
  it('smooth motion passes', () => {
    const fs = live(60, { facts: (i) => facts({ box: { cx: 0.45 + 0.002 * i, cy: 0.5, w: 0.5 } }) });
    expect(checkContinuity(fs).reason).toBe(null);
  });
  it('a box that jumps by more than a face width and stays is CAPTURE_DISCONTINUITY', () => {
    const fs = live(40, { facts: (i) => facts({ box: i < 20 ? { cx: 0.3, cy: 0.5, w: 0.3 } : { cx: 0.7, cy: 0.5, w: 0.3 } }) });
    const r = checkContinuity(fs);
    expect(r.reason).toBe('CAPTURE_DISCONTINUITY');
    expect(r.maxShift).toBeGreaterThan(1);
    // A re-framed second recording (same place, ×1.5 size) is a cut too.
    const zoom = live(40, { facts: (i) => facts({ box: { cx: 0.5, cy: 0.5, w: i < 20 ? 0.4 : 0.6 } }) });
    expect(checkContinuity(zoom).reason).toBe('CAPTURE_DISCONTINUITY');
  });
  it('a single-frame outlier is not a cut; nor is a jump across a capture gap', () => {
    const fs = live(40, { facts: (i) => facts({ box: i === 20 ? { cx: 0.9, cy: 0.1, w: 0.2 } : { cx: 0.5, cy: 0.5, w: 0.4 } }) });
    expect(checkContinuity(fs).reason).toBe(null);
    // A low-confidence detection does not take part at all.
    const weak = live(40, { facts: (i) => (i >= 20 && i < 25 ? facts({ score: 0.5, box: { cx: 0.9, cy: 0.5, w: 0.4 } }) : facts({ box: { cx: 0.5, cy: 0.5, w: 0.4 } })) });
    expect(checkContinuity(weak).reason).toBe(null);
  });
});

describe('findAction', () => {
  // Server clock = page clock + 1e6 + lag; the offset maps capture times onto the server's clock.
  const blinkAt = (closedFrom: number, closedTo: number) => live(120, { facts: (i) => facts({ face: i >= closedFrom && i <= closedTo ? { eyeOpen: 0, ear: 0.17 } : {} }) });
  it('a blink entirely before the challenge was issued is not found; one after it is', () => {
    const fs = blinkAt(20, 21); // captured at ≈ 12.5 s page time
    const off = clockOffset(fs);
    expect(off).toBe(1e6 + 80);
    const issuedAfterBlink = fs[40]!.arrivalTs; // issued after the blink: it must not count
    expect(findAction('blink', fs, issuedAfterBlink, issuedAfterBlink + 30_000, off)).toBe(null);
    const issuedBefore = fs[5]!.arrivalTs;
    const ev = findAction('blink', fs, issuedBefore, issuedBefore + 30_000, off);
    expect(ev).not.toBe(null);
    expect(ev!.before).toBeLessThan(20);
    expect([20, 21]).toContain(ev!.peak);
    expect(ev!.after).toBeGreaterThan(21);
  });
  it('the "before" frame must be after issue: a blink whose open frame precedes the issue does not count', () => {
    const fs = blinkAt(20, 21);
    const off = clockOffset(fs);
    // Issued between the last open frame and the closed one: no open frame after issue precedes the peak.
    const issued = fs[19]!.captureTs + off + 1;
    expect(findAction('blink', fs, issued, issued + 30_000, off)).toBe(null);
    // A blink later in the window counts.
    const again = live(120, { facts: (i) => facts({ face: (i >= 20 && i <= 21) || (i >= 60 && i <= 61) ? { eyeOpen: 0, ear: 0.17 } : {} }) });
    const ev = findAction('blink', again, issued, issued + 30_000, clockOffset(again));
    expect(ev?.peak).toBeGreaterThanOrEqual(60);
  });
  it('frames after the deadline do not count', () => {
    const fs = blinkAt(80, 81);
    const off = clockOffset(fs);
    const issued = fs[5]!.arrivalTs;
    expect(findAction('blink', fs, issued, fs[70]!.captureTs + off, off)).toBe(null);
    expect(findAction('blink', fs, issued, fs[100]!.captureTs + off, off)).not.toBe(null);
  });
  it('a frame that arrived before issue does not count even if its capture time claims later', () => {
    const fs = blinkAt(20, 21);
    const issued = fs[60]!.arrivalTs;
    // A page that lies: the offset pretends every capture was much later than it arrived.
    expect(findAction('blink', fs, issued, issued + 1e9, clockOffset(fs) + 60_000)).toBe(null);
  });
});

describe('pickSamples', () => {
  const fs = live(60);
  const all = new Set(fs.map((f) => f.seq));
  it('is stratified: one frame from each equal stretch', () => {
    const s = pickSamples(fs, 6, () => 0, all);
    expect(s).toEqual([0, 10, 20, 30, 40, 50]);
    const last = pickSamples(fs, 6, (max) => max - 1, all);
    expect(last).toEqual([9, 19, 29, 39, 49, 59]);
    // Any random choice keeps one per stretch.
    for (let k = 0; k < 20; k++) {
      const r = pickSamples(fs, 6, (max) => Math.floor(Math.random() * max), all);
      r.forEach((seq, i) => expect(Math.floor(seq / 10)).toBe(i));
    }
  });
  it('is deterministic for a given random function', () => {
    const seeded = () => {
      let x = 7;
      return (max: number) => ((x = (x * 1103515245 + 12345) % 2 ** 31), x % max);
    };
    expect(pickSamples(fs, 6, seeded())).toEqual(pickSamples(fs, 6, seeded()));
  });
  it('only near-frontal single-face confident steady views are candidates; few frames → all of them', () => {
    // Stretches of 4 frames (0.5 s): frontal, turned 40°, two people, frontal again with a weak detection.
    const mixed = live(20, { facts: (i) => [facts(), facts({ face: { yaw: 40 } }), facts({ faceCount: 2 }), facts({ score: 0.5 }), facts()][Math.floor(i / 4)]! });
    // Not frames 2–3 (a frame within 0.3 s is turned 40°), nor the first and last frame of the stream (a neighbour on one side only).
    expect(pickSamples(mixed, 6, () => 0)).toEqual([1, 16, 17, 18]);
  });
  it('a frontal reading between far-turned frames is not a steady view (the pose model misreads a head tipped back)', () => {
    // 125 ms apart: frames 7–8 read frontal between frames that read 50–57° and 47°.
    const pitches = [5, 5, 5, 6, 30, 50, 57, 3, 2, 47, 30, 8, 6, 5, 5, 5];
    const fs = live(pitches.length, { facts: (i) => facts({ face: { pitch: pitches[i]! } }) });
    const steady = steadyViews(fs);
    expect([...steady].sort((a, b) => a - b)).toEqual([1, 13, 14]);
    expect(pickSamples(fs, 6, () => 0)).toEqual([1, 13, 14]);
    // A head held still on a starved phone (frames 600 ms apart) is still steady.
    const slow = live(8, { interval: 600 });
    expect(steadyViews(slow).size).toBe(6);
    // A rest frame must be steady: the nod is found from frame 1, never from the misread frames 6–7.
    const ev = findAction('nod', fs, 0, 1e12, clockOffset(fs));
    expect(ev?.before).toBe(1);
  });
});

describe('classifySignals (injection signals)', () => {
  it.each(['OBS Virtual Camera', 'ManyCam Virtual Webcam', 'DroidCam Source 3', 'DroidCam Video'])('flags %s', (label) => {
    const v = classifySignals({ label });
    expect(v.virtual).toBe(true);
    expect(v.markers.length).toBeGreaterThan(0);
  });
  it.each(['FaceTime HD Camera', 'Integrated Camera', 'Android front camera', 'camera2 1, facing front'])('does not flag %s', (label) => {
    expect(classifySignals({ label, settings: { frameRate: 30 }, measuredFps: 29 })).toEqual({ virtual: false, markers: [] });
  });
  it('implausible frame rates are markers; nothing known is not', () => {
    expect(classifySignals({ label: 'Integrated Camera', settings: { frameRate: 1000 } }).virtual).toBe(true);
    expect(classifySignals({ label: 'Integrated Camera', settings: { frameRate: 30 }, measuredFps: 90 }).virtual).toBe(true);
    expect(classifySignals(null)).toEqual({ virtual: false, markers: [] });
    expect(classifySignals({})).toEqual({ virtual: false, markers: [] });
  });
});

describe('align against the guide (page)', () => {
  /** A frame of `w`×`h` with a frontal, well-lit, sharp face box of side `size`×min(w,h), centred at (cx, cy) in fractions of the frame. */
  const frame = (w: number, h: number, size: number, cx = 0.5, cy = 0.5, o: Partial<FaceAnalysis> = {}): FrameAnalysis => {
    const side = size * Math.min(w, h);
    const px = { x: cx * w - side / 2, y: cy * h - side / 2, width: side, height: side };
    return {
      timestamp: 0,
      frameWidth: w,
      frameHeight: h,
      faceCount: 1,
      frameBrightness: 120,
      timings: { pixels: 0, detect: 0, landmarks: 0, eyes: 0, quality: 0, total: 0 },
      face: {
        box: { pixels: px, normalized: { x: px.x / w, y: px.y / h, width: side / w, height: side / h } },
        detectionScore: 0.95,
        keypoints: [],
        landmarks: [],
        pose: { yaw: 0, pitch: 0, roll: 0 },
        eyeOpen: { left: 1, right: 1 },
        eyeAspectRatio: { left: 0.28, right: 0.28 },
        mouthAspectRatio: 0.03,
        brightness: 120,
        sharpness: 100,
        ...o,
      },
    };
  };
  it('the guide is the circle inscribed in the central square, whatever the aspect ratio', () => {
    expect(guideCircle(640, 480)).toMatchObject({ cx: 320, cy: 240, d: 480 });
    expect(guideCircle(360, 640)).toMatchObject({ cx: 180, cy: 320, d: 360 });
  });
  it('a centred close-up face (0.75 of the frame) passes, in square, portrait and landscape frames', () => {
    expect(evaluateAlign(frame(480, 480, 0.75))).toBe('HOLD');
    expect(evaluateAlign(frame(360, 640, 0.75))).toBe('HOLD');
    expect(evaluateAlign(frame(640, 480, 0.75))).toBe('HOLD');
  });
  it('too big says move back, too small move closer', () => {
    expect(evaluateAlign(frame(480, 480, 1.0))).toBe('MOVE_BACK');
    expect(evaluateAlign(frame(480, 480, 0.2))).toBe('MOVE_CLOSER');
  });
  it('off-centre says which way to move in the mirrored preview (face at image-right → MOVE_RIGHT)', () => {
    const off = 1.5 * ALIGN_RULES.maxOffsetX; // beyond the limit, in guide diameters
    expect(evaluateAlign(frame(480, 480, 0.5, 0.5 + off, 0.5))).toBe('MOVE_RIGHT');
    expect(evaluateAlign(frame(480, 480, 0.5, 0.5 - off, 0.5))).toBe('MOVE_LEFT');
    // In a landscape frame the offset counts against the guide (the visible square), not the frame width:
    // the same pixel offset is beyond the limit in guide diameters though well within it in frame widths.
    expect(evaluateAlign(frame(640, 480, 0.5, 0.5 + (off * 480) / 640, 0.5))).toBe('MOVE_RIGHT');
    expect(evaluateAlign(frame(640, 480, 0.5, 0.5 + (0.03 * 480) / 640, 0.5))).toBe('HOLD');
  });
  it('hysteresis: a face just past the limit stays aligned once aligned', () => {
    const dx = ALIGN_RULES.maxOffsetX * 1.15; // beyond the limit, within the widened one
    const f = frame(480, 480, 0.5, 0.5 + dx, 0.5);
    expect(evaluateAlign(f, false)).toBe('MOVE_RIGHT');
    expect(evaluateAlign(f, true)).toBe('HOLD');
  });
  it('no face, two faces, pose, eyes', () => {
    expect(evaluateAlign({ ...frame(480, 480, 0.5), faceCount: 0, face: undefined })).toBe('NO_FACE');
    expect(evaluateAlign({ ...frame(480, 480, 0.5), faceCount: 2 })).toBe('MULTIPLE_FACES');
    expect(evaluateAlign(frame(480, 480, 0.5, 0.5, 0.5, { pose: { yaw: 30, pitch: 0, roll: 0 } }))).toBe('FACE_FRONT');
    expect(evaluateAlign(frame(480, 480, 0.5, 0.5, 0.5, { eyeOpen: { left: 0, right: 0 } }))).toBe('OPEN_EYES');
  });
  it('PromptStabilizer holds every prompt for minPromptMs, HOLD included (no flicker)', () => {
    const s = new PromptStabilizer();
    const T = ALIGN_RULES.minPromptMs;
    expect(s.show('MOVE_LEFT', 0)).toBe('MOVE_LEFT');
    expect(s.show('MOVE_RIGHT', T / 2)).toBe('MOVE_LEFT');
    expect(s.show('MOVE_CLOSER', T - 1)).toBe('MOVE_LEFT');
    expect(s.show('MOVE_CLOSER', T)).toBe('MOVE_CLOSER');
    expect(s.show('MOVE_BACK', T + 10)).toBe('MOVE_CLOSER');
    expect(s.show('HOLD', T + 20)).toBe('MOVE_CLOSER');
    expect(s.show('HOLD', 2 * T)).toBe('HOLD');
    expect(s.show('MOVE_LEFT', 2 * T + 50)).toBe('HOLD');
    s.reset();
    expect(s.show('NO_FACE', 2 * T + 60)).toBe('NO_FACE');
  });
  it('BlinkGrace: a blink while aligned is still "hold it" (its frames left out), before that it changes nothing shown; eyes shut longer are OPEN_EYES', () => {
    const g = new BlinkGrace();
    const G = ALIGN_RULES.blinkGraceMs;
    expect(g.see('HOLD', false, 0)).toEqual({ raw: 'HOLD', blinking: false });
    expect(g.see('OPEN_EYES', true, 100)).toEqual({ raw: 'HOLD', blinking: true });
    expect(g.see('OPEN_EYES', true, 100 + G - 1)).toEqual({ raw: 'HOLD', blinking: true });
    expect(g.see('OPEN_EYES', true, 100 + G)).toEqual({ raw: 'OPEN_EYES', blinking: false });
    // Eyes open again: the next blink has its own grace.
    expect(g.see('HOLD', false, 100 + G + 50)).toEqual({ raw: 'HOLD', blinking: false });
    expect(g.see('OPEN_EYES', true, 1000)).toEqual({ raw: 'HOLD', blinking: true });
    // Any other condition failing stands as evaluateAlign said, and ends the blink.
    expect(g.see('MOVE_LEFT', true, 1010)).toEqual({ raw: 'MOVE_LEFT', blinking: false });
    // Not aligned yet (the first frame caught mid-blink): nothing new to show, until the grace is over.
    expect(g.see('OPEN_EYES', false, 1020)).toEqual({ raw: null, blinking: true });
    expect(g.see('OPEN_EYES', false, 1020 + G)).toEqual({ raw: 'OPEN_EYES', blinking: false });
  });
  it('PromptStabilizer.current is what is on screen', () => {
    const s = new PromptStabilizer();
    expect(s.current).toBe(null);
    s.show('HOLD', 0);
    expect(s.current).toBe('HOLD');
  });
  it('aligned: the offsets widen, the edge of the circle does not (no "hold it" half outside)', () => {
    // A big face (0.8 of the guide) 0.19 off centre: its side is 0.59 from the centre, well past the
    // circle (radius 0.5); the widened offset alone (0.2 × 1.3) used to let it hold.
    const big = frame(480, 480, 0.8, 0.5 + 0.19, 0.5);
    expect(evaluateAlign(big, true)).toBe('MOVE_RIGHT');
    // A face taller than the circle is cut off at forehead or chin.
    expect(evaluateAlign(frame(480, 480, 0.75, 0.5, 0.5, { box: { pixels: { x: 60, y: 0, width: 360, height: 520 }, normalized: { x: 0.125, y: 0, width: 0.75, height: 1.08 } } }), true)).toBe('MOVE_BACK');
  });
});
