// The capture session behind the verify page, loaded lazily when the user presses Start:
// camera, the face worker, the frame loop, align, challenges, evidence, upload, decision.
// It only sends events to the page's state machine (../machine.ts); it knows the token only to
// pass it to the API client.
import type { AlignPrompt, FlowErrorCode } from '../../../lib/i18n/messages';
import type { FaceAnalysis, FrameAnalysis } from '../../../workers/pipeline/types';
import { abortAttempt, ApiError, finishAttempt, startAttempt, uploadFrames, type StartedAttempt } from '../api';
import type { FlowEvent } from '../machine';
import { ALIGN_RULES, bestFrameScore, evaluateAlign } from './align';
import { attachStream, CameraError, openCamera } from './camera';
import { baselineFrom, ChallengeTracker } from './challenge-tracker';
import { encodeJpeg, FrameSlots } from './frames';
import { createAnalyzer, type FaceAnalyzer } from './analyzer';

export interface ControllerOptions {
  token: string;
  redirects: { successRedirect?: string; failRedirect?: string };
  video: HTMLVideoElement;
  dispatch: (event: FlowEvent) => void;
}

export interface CaptureController {
  start(): Promise<void>;
  retry(): Promise<void>;
  dispose(): void;
}

const TOKEN_CODES = { TOKEN_EXPIRED: 'expired', TOKEN_SUPERSEDED: 'superseded', TOKEN_DECIDED: 'decided', TOKEN_UNKNOWN: 'unknown' } as const;

class Cancelled extends Error {}

/** Named timeouts, all cancelled when the state that set them is left. */
class Timers {
  private readonly t = new Map<string, ReturnType<typeof setTimeout>>();
  set(name: string, ms: number, fn: () => void): void {
    this.clear(name);
    this.t.set(name, setTimeout(() => (this.t.delete(name), fn()), ms));
  }
  clear(name: string): void {
    const h = this.t.get(name);
    if (h !== undefined) clearTimeout(h);
    this.t.delete(name);
  }
  clearAll(): void {
    for (const h of this.t.values()) clearTimeout(h);
    this.t.clear();
  }
}

interface Frame {
  analysis: FrameAnalysis;
  /** A copy of exactly the analysed pixels; the consumer keeps it or closes it. */
  bitmap: ImageBitmap;
  time: number;
}

// A short numeric trace of recent frames (no pixels, no token) for debugging and the e2e tests.
type Trace = { t: number; state: string; faces: number; yaw?: number; pitch?: number; eye?: number; ear?: number; mar?: number; size?: number; bright?: number; sharp?: number; prompt?: string }[];
const trace: Trace = ((globalThis as { __h5trace?: Trace }).__h5trace = []);
function record(state: string, a: FrameAnalysis, prompt?: string) {
  const f = a.face;
  trace.push({
    t: Math.round(a.timestamp),
    state,
    faces: a.faceCount,
    prompt,
    ...(f && {
      yaw: +f.pose.yaw.toFixed(1),
      pitch: +f.pose.pitch.toFixed(1),
      eye: +((f.eyeOpen.left + f.eyeOpen.right) / 2).toFixed(2),
      ear: +((f.eyeAspectRatio.left + f.eyeAspectRatio.right) / 2).toFixed(3),
      mar: +f.mouthAspectRatio.toFixed(3),
      size: +(f.box.pixels.width / Math.min(a.frameWidth, a.frameHeight)).toFixed(2),
      bright: Math.round(f.brightness),
      sharp: Math.round(f.sharpness),
    }),
  });
  if (trace.length > 600) trace.splice(0, trace.length - 600);
}

export function createController(opts: ControllerOptions): CaptureController {
  const { token, video, dispatch } = opts;
  const timers = new Timers();
  const slots = new FrameSlots();
  let stream: MediaStream | null = null;
  let analyzer: FaceAnalyzer | null = null;
  let disposed = false;
  /** Bumped to cancel the running attempt's loop (retry, dispose). */
  let generation = 0;

  const fail = (code: FlowErrorCode) => dispatch({ type: 'FAIL', error: code });
  const apiFailure = (e: unknown) => {
    if (e instanceof ApiError) {
      const tokenState = TOKEN_CODES[e.code as keyof typeof TOKEN_CODES];
      if (tokenState) return dispatch({ type: 'TOKEN', state: tokenState });
      if (e.code === 'ATTEMPTS_EXHAUSTED') return fail('ATTEMPTS_EXHAUSTED');
      if (e.code === 'NETWORK') return fail('NETWORK');
    }
    fail('SERVER_ERROR');
  };

  async function nextVideoFrame(): Promise<void> {
    const v = video as HTMLVideoElement & { requestVideoFrameCallback?: (cb: () => void) => number };
    await new Promise<void>((resolve) => (v.requestVideoFrameCallback ? v.requestVideoFrameCallback(() => resolve()) : requestAnimationFrame(() => resolve())));
  }

  // Camera frames presented so far, counted by requestVideoFrameCallback, so the loop below can
  // tell whether a new frame arrived while the last one was being analysed.
  const rvfcVideo = video as HTMLVideoElement & { requestVideoFrameCallback?: (cb: () => void) => number };
  let presented = 0;
  let lastAnalysed = -1;
  if (rvfcVideo.requestVideoFrameCallback) {
    const tick = () => {
      presented++;
      if (!disposed) rvfcVideo.requestVideoFrameCallback!(tick);
    };
    rvfcVideo.requestVideoFrameCallback(tick);
  }

  /** One analysed frame at a time: the newest camera frame when the worker is free. */
  async function nextFrame(gen: number): Promise<Frame> {
    for (;;) {
      if (gen !== generation || disposed) throw new Cancelled();
      // Wait only when no new camera frame arrived during the last analysis: waiting every time
      // left the worker idle for up to a frame interval per frame (≈20 instead of ≈30 fps).
      if (!rvfcVideo.requestVideoFrameCallback || presented === lastAnalysed) await nextVideoFrame();
      lastAnalysed = presented;
      if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) continue;
      const time = performance.now();
      const bitmap = await createImageBitmap(video);
      const copy = await createImageBitmap(bitmap);
      let analysis: FrameAnalysis;
      try {
        analysis = await analyzer!.analyze(bitmap, time);
      } catch (e) {
        copy.close();
        throw e;
      }
      if (gen !== generation || disposed) {
        copy.close();
        throw new Cancelled();
      }
      return { analysis, bitmap: copy, time };
    }
  }

  async function align(gen: number): Promise<FaceAnalysis[]> {
    let holdStart = 0;
    let bestScore = -1;
    let holdFaces: FaceAnalysis[] = [];
    let lastPrompt: AlignPrompt | null = null;
    for (;;) {
      const fr = await nextFrame(gen);
      const prompt = evaluateAlign(fr.analysis);
      record('align', fr.analysis, prompt);
      if (prompt !== 'HOLD') {
        holdStart = 0;
        bestScore = -1;
        holdFaces = [];
        fr.bitmap.close();
      } else {
        if (!holdStart) holdStart = fr.time;
        holdFaces.push(fr.analysis.face!);
        const score = bestFrameScore(fr.analysis);
        if (score > bestScore) {
          bestScore = score;
          slots.put('best', fr.bitmap);
        } else fr.bitmap.close();
      }
      const hold = holdStart ? Math.min(1, (fr.time - holdStart) / ALIGN_RULES.holdMs) : 0;
      if (prompt !== lastPrompt || hold > 0) dispatch({ type: 'ALIGN', prompt, hold });
      lastPrompt = prompt;
      if (hold >= 1 && holdFaces.length >= 3) return holdFaces;
    }
  }

  async function runAttempt(attempt: StartedAttempt): Promise<void> {
    const gen = ++generation;
    slots.clear();
    try {
      dispatch({ type: 'READY' });
      const holdFaces = await align(gen);
      const base = baselineFrom(holdFaces);
      const n = attempt.challenges.length;
      for (const [k, action] of attempt.challenges.entries()) {
        const tracker = new ChallengeTracker(action, base);
        const deadline = performance.now() + attempt.challengeTimeoutSeconds * 1000;
        let timedOut = false;
        timers.set('challenge', attempt.challengeTimeoutSeconds * 1000, () => {
          timedOut = true;
        });
        let progress = 0;
        for (;;) {
          if (timedOut) {
            timers.clearAll();
            ++generation;
            const outcome = await abortAttempt(token, attempt.attemptId, 'LIVENESS_TIMEOUT');
            dispatch({ type: 'DECIDED', outcome: outcome.outcome, reason: outcome.reason, attemptsLeft: outcome.attemptsLeft, redirectUrl: outcome.redirectUrl });
            return;
          }
          const fr = await nextFrame(gen);
          const a = fr.analysis;
          let prompt: AlignPrompt | null = null;
          if (a.faceCount === 0 || !a.face) prompt = 'NO_FACE';
          else if (a.faceCount > 1) prompt = 'MULTIPLE_FACES';
          record(`challenge:${action}`, a, prompt ?? undefined);
          if (prompt) {
            fr.bitmap.close();
          } else {
            const s = tracker.step(a.face!, fr.time);
            progress = s.progress;
            if (s.keep) slots.put(`${k}:${s.keep}`, fr.bitmap);
            else fr.bitmap.close();
            if (s.done) break;
          }
          dispatch({ type: 'CHALLENGE', index: k, total: n, action, progress, secondsLeft: Math.max(0, Math.ceil((deadline - performance.now()) / 1000)), prompt });
        }
        timers.clear('challenge');
        dispatch({ type: 'CHALLENGE', index: k, total: n, action, progress: 1, secondsLeft: 0, prompt: null });
      }
      // Evidence, in the server's fixed layout: best, then before/peak/after per challenge.
      dispatch({ type: 'UPLOAD', progress: 0, checking: false });
      const names = ['best', ...attempt.challenges.flatMap((_, k) => [`${k}:before`, `${k}:peak`, `${k}:after`])];
      const jpegs: Blob[] = [];
      for (const name of names) {
        const b = slots.get(name);
        if (!b) throw new Error(`missing evidence frame ${name}`);
        jpegs.push(await encodeJpeg(b));
      }
      slots.clear();
      await uploadFrames(token, attempt.attemptId, jpegs, (p) => dispatch({ type: 'UPLOAD', progress: p, checking: false }));
      dispatch({ type: 'UPLOAD', progress: 1, checking: true });
      const outcome = await finishAttempt(token, attempt.attemptId);
      dispatch({ type: 'DECIDED', outcome: outcome.outcome, reason: outcome.reason, attemptsLeft: outcome.attemptsLeft, redirectUrl: outcome.redirectUrl });
    } catch (e) {
      timers.clearAll();
      if (e instanceof Cancelled) return;
      if (e instanceof ApiError) {
        if (e.code === 'NETWORK' && (e as ApiError).status === 0) return fail('UPLOAD_FAILED');
        return apiFailure(e);
      }
      fail('CAMERA_LOST');
    }
  }

  async function start(): Promise<void> {
    const attemptP = startAttempt(token, opts.redirects);
    attemptP.catch(() => undefined);
    const analyzerP = createAnalyzer((p) => dispatch({ type: 'LOAD_PROGRESS', progress: p }));
    analyzerP.catch(() => undefined);
    try {
      stream = await openCamera();
      await attachStream(video, stream);
      for (const t of stream.getVideoTracks()) t.addEventListener('ended', () => !disposed && fail('CAMERA_LOST'));
    } catch (e) {
      void analyzerP.then((a) => a.dispose()).catch(() => undefined);
      return fail(e instanceof CameraError ? e.code : 'CAMERA_FAILED');
    }
    dispatch({ type: 'CAMERA_READY' });
    try {
      analyzer = await analyzerP;
    } catch {
      return fail('MODEL_LOAD_FAILED');
    }
    let attempt: StartedAttempt;
    try {
      attempt = await attemptP;
    } catch (e) {
      return apiFailure(e);
    }
    await runAttempt(attempt);
  }

  async function retry(): Promise<void> {
    if (!stream || !analyzer) return start();
    let attempt: StartedAttempt;
    try {
      attempt = await startAttempt(token, opts.redirects);
    } catch (e) {
      return apiFailure(e);
    }
    await runAttempt(attempt);
  }

  return {
    start,
    retry,
    dispose() {
      disposed = true;
      generation++;
      timers.clearAll();
      slots.clear();
      stream?.getTracks().forEach((t) => t.stop());
      void analyzer?.dispose();
    },
  };
}
