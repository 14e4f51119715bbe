// The capture session behind the verify page, loaded lazily when the user presses Start:
// camera, the face worker, the frame loop, align, challenges, evidence, upload, decision.
// It only sends events to the page's state machine (../machine.ts); it knows the token only to
// pass it to the API client.
import type { AlignPrompt, FlowErrorCode, LivenessActionName } from '../../../lib/i18n/messages';
import type { FaceAnalysis, FrameAnalysis } from '../../../workers/pipeline/types';
import { abortAttempt, ApiError, finishAttempt, nextChallenge, putBestFrame, startAttempt, type ChallengeAnswer, type ChallengeView, type Outcome, type StartedAttempt } from '../api';
import type { FlowEvent } from '../machine';
import { ALIGN_RULES, BlinkGrace, bestFrameScore, evaluateAlign, pannedGuide, PromptStabilizer, type Guide } from './align';
import { attachStream, CameraError, cameraSignals, openCamera } from './camera';
import { baselineFrom, ChallengeTracker } from './challenge-tracker';
import { encodeJpeg, FrameSlots } from './frames';
import { createAnalyzer, type FaceAnalyzer } from './analyzer';
import { FrameStreamer } from './streamer';

export interface ControllerOptions {
  token: string;
  redirects: { successRedirect?: string; failRedirect?: string };
  video: HTMLVideoElement;
  dispatch: (event: FlowEvent) => void;
}

export interface CaptureController {
  start(): Promise<void>;
  retry(): Promise<void>;
  /** The user's cancel: an attempt under way ends as USER_CANCELLED; before one started nothing is counted. */
  cancel(): Promise<void>;
  dispose(): void;
}

/**
 * The face analyser, started while the user reads the intro (after the page is interactive, on
 * an idle callback): the models download and compile then, so Start → first analysed frame is
 * short. One at a time; the controller that takes it owns it (and disposes of it).
 */
interface Preloaded {
  analyzer: Promise<FaceAnalyzer>;
  progress: number;
  listeners: Set<(p: number) => void>;
}
let preloaded: Preloaded | null = null;

export function preloadAnalyzer(): void {
  if (preloaded) return;
  const entry: Preloaded = { analyzer: Promise.resolve(null as unknown as FaceAnalyzer), progress: 0, listeners: new Set() };
  entry.analyzer = createAnalyzer((p) => {
    entry.progress = Math.max(entry.progress, p);
    for (const l of entry.listeners) l(entry.progress);
  });
  // Support and the tests can tell that the models are in (no face data, a flag).
  entry.analyzer.then(() => ((globalThis as { __modelsReady?: boolean }).__modelsReady = true), () => undefined);
  preloaded = entry;
}

function takeAnalyzer(onProgress: (p: number) => void): Preloaded {
  const entry = preloaded ?? { analyzer: Promise.resolve(null as unknown as FaceAnalyzer), progress: 0, listeners: new Set<(p: number) => void>() };
  if (!preloaded) entry.analyzer = createAnalyzer((p) => ((entry.progress = Math.max(entry.progress, p)), entry.listeners.forEach((l) => l(entry.progress))));
  preloaded = null;
  entry.listeners.add(onProgress);
  onProgress(entry.progress);
  // A preload that failed (network) is tried once more, now that the user asked.
  entry.analyzer = entry.analyzer.catch(() => createAnalyzer(onProgress));
  return entry;
}

/** The camera did not open: the analyser goes back for the next try (a retry does not load the models again). */
function giveBack(entry: Preloaded): void {
  entry.listeners.clear();
  if (preloaded) void entry.analyzer.then((a) => a.dispose()).catch(() => undefined);
  else preloaded = entry;
}

/** Help for a challenge shows after this long without the server seeing the action. */
export const CHALLENGE_HELP_AFTER_MS = 4000;

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
type Trace = { t: number; state: string; faces: number; ms: number; cx?: number; cy?: number; bw?: number; bh?: number; w?: number; h?: number; gx?: number; gy?: number; gd?: number; yaw?: number; pitch?: number; eye?: number; ear?: number; mar?: number; size?: number; bright?: number; sharp?: number; prompt?: string; shown?: string }[];
const trace: Trace = ((globalThis as { __h5trace?: Trace }).__h5trace = []);
function record(state: string, a: FrameAnalysis, prompt?: string, guide?: Guide, shown?: string) {
  const f = a.face;
  trace.push({
    t: Math.round(a.timestamp),
    state,
    faces: a.faceCount,
    // The worker's own time for this frame (the benchmark's analysis-capacity figure).
    ms: Math.round(a.timings.total),
    prompt,
    shown,
    // The guide circle (frame pixels) the preview showed, and the box size in pixels: whether the face was inside it.
    ...(guide && { gx: Math.round(guide.cx), gy: Math.round(guide.cy), gd: Math.round(guide.d) }),
    ...(f && { bw: Math.round(f.box.pixels.width), bh: Math.round(f.box.pixels.height) }),
    ...(f && {
      yaw: +f.pose.yaw.toFixed(1),
      pitch: +f.pose.pitch.toFixed(1),
      eye: +((f.eyeOpen.left + f.eyeOpen.right) / 2).toFixed(2),
      ear: +((f.eyeAspectRatio.left + f.eyeAspectRatio.right) / 2).toFixed(3),
      mar: +f.mouthAspectRatio.toFixed(3),
      size: +(f.box.pixels.width / Math.min(a.frameWidth, a.frameHeight)).toFixed(2),
      cx: +(f.box.normalized.x + f.box.normalized.width / 2).toFixed(2),
      cy: +(f.box.normalized.y + f.box.normalized.height / 2).toFixed(2),
      w: a.frameWidth,
      h: a.frameHeight,
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
  let currentStreamer: FrameStreamer | null = null;
  /** The attempt under way on the server (between start and decision), for cancel. */
  let running: StartedAttempt | null = null;
  let cancelling = false;
  let cameraSince = 0;
  let presentedAtCamera = 0;
  /** Bumped to cancel the running attempt's loop (retry, dispose). */
  let generation = 0;

  const fail = (code: FlowErrorCode) => dispatch({ type: 'FAIL', error: code });
  const apiFailure = (e: unknown) => {
    // The code only (no token, no image): what a support engineer or a test needs to tell failures apart.
    if (e instanceof ApiError) console.warn(`[verify] server answered ${e.code} (${e.status})`);
    if (e instanceof ApiError) {
      const tokenState = TOKEN_CODES[e.code as keyof typeof TOKEN_CODES];
      if (tokenState) return dispatch({ type: 'TOKEN', state: tokenState });
      if (e.code === 'ATTEMPTS_EXHAUSTED') return fail('ATTEMPTS_EXHAUSTED');
      if (e.code === 'NETWORK' || e.code === 'STREAM_NOT_LIVE') return fail('NETWORK');
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

  // At most ANALYSIS_FPS analysed frames a second. The worker would otherwise take every camera
  // frame (≈ 30 fps) and a whole core: on a slow phone that starves the stream's own timer (the
  // server then sees holes in the capture and refuses it), and 15 fps still gives several frames
  // of the shortest blink (≈ 100–150 ms) to the page's trackers.
  const ANALYSIS_FPS = 15;
  let lastAnalysisStart = -Infinity;

  /** One analysed frame at a time: the newest camera frame when the worker is free. */
  async function nextFrame(gen: number): Promise<Frame> {
    for (;;) {
      if (gen !== generation || disposed) throw new Cancelled();
      const wait = lastAnalysisStart + 1000 / ANALYSIS_FPS - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      if (gen !== generation || disposed) throw new Cancelled();
      // Wait only when no new camera frame arrived during the last analysis: waiting every time
      // left the worker idle for up to a frame interval per frame (≈20 instead of ≈30 fps).
      if (!rvfcVideo.requestVideoFrameCallback || presented === lastAnalysed) await nextVideoFrame();
      lastAnalysed = presented;
      if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) continue;
      const time = performance.now();
      lastAnalysisStart = time;
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

  const decided = (o: Outcome) => dispatch({ type: 'DECIDED', outcome: o.outcome, reason: o.reason, attemptsLeft: o.attemptsLeft, redirectUrl: o.redirectUrl });

  /** Align: every condition held for holdMs; the best frame of the hold is streamed and kept at full size. Null on ALIGN_TIMEOUT. */
  async function align(gen: number, attempt: StartedAttempt, streamer: FrameStreamer, failure: () => ApiError | null): Promise<{ faces: FaceAnalysis[]; bestSeq: number } | null> {
    let holdStart = 0;
    let bestScore = -1;
    let bestSeq = -1;
    let holdFaces: FaceAnalysis[] = [];
    let aligned = false;
    const stabilizer = new PromptStabilizer();
    const started = performance.now();
    let lastGood = started;
    let lastKey = 'DETECTING:false';
    let guide: Guide | null = null;
    const blinkGrace = new BlinkGrace();
    for (;;) {
      const err = failure();
      if (err) throw err;
      const fr = await nextFrame(gen);
      guide = pannedGuide(fr.analysis.frameWidth, fr.analysis.frameHeight, fr.analysis.faceCount === 1 ? fr.analysis.face?.box.pixels : undefined, guide);
      video.style.objectPosition = `${guide.posX.toFixed(1)}% ${guide.posY.toFixed(1)}%`;
      const { raw, blinking } = blinkGrace.see(evaluateAlign(fr.analysis, aligned, guide), aligned, fr.time);
      aligned = raw === 'HOLD';
      // Timed when it is put on screen, not when the frame was taken: an analysis slowed by a busy
      // phone must not shorten how long the previous prompt stayed readable.
      const prompt = raw === null ? stabilizer.current : stabilizer.show(raw, performance.now());
      record('align', fr.analysis, raw ?? undefined, guide, prompt ?? undefined);
      const holding = raw === 'HOLD' && prompt === 'HOLD';
      if (holding) lastGood = fr.time;
      if (prompt) {
        const help = fr.time - lastGood >= ALIGN_RULES.helpAfterMs && prompt !== 'HOLD';
        const key = `${prompt}:${help}`;
        if (key !== lastKey) dispatch({ type: 'ALIGN', prompt, help });
        lastKey = key;
      }
      // The hold runs only while "hold it" is on screen: the challenge never starts under another prompt.
      if (!holding) {
        holdStart = 0;
        bestScore = -1;
        holdFaces = [];
        fr.bitmap.close();
      } else if (blinking) {
        // The hold goes on, but a shut-eyed frame is neither the best frame nor the challenge's baseline.
        fr.bitmap.close();
      } else {
        if (!holdStart) holdStart = fr.time;
        holdFaces.push(fr.analysis.face!);
        const score = bestFrameScore(fr.analysis);
        if (score > bestScore) {
          // The best frame is one of the streamed frames: the server checks its full-size copy against it.
          const seq = await streamer.offer(fr.bitmap, fr.time, true);
          bestScore = score;
          bestSeq = seq ?? bestSeq;
          slots.put('best', fr.bitmap);
        } else fr.bitmap.close();
      }
      const hold = holdStart ? Math.min(1, (fr.time - holdStart) / ALIGN_RULES.holdMs) : 0;
      if (hold >= 1 && holdFaces.length >= 3 && bestSeq >= 0) return { faces: holdFaces, bestSeq };
      if (fr.time - started > attempt.alignTimeoutSeconds * 1000) return null;
    }
  }

  /**
   * One challenge, issued by the server: the page's tracker only drives the prompt and the ring
   * (and marks the frames around the action to be streamed for sure); the server decides when
   * the action was done. Returns the server's next answer.
   */
  async function runChallenge(gen: number, attempt: StartedAttempt, streamer: FrameStreamer, base: ReturnType<typeof baselineFrom>, ch: ChallengeView, view: () => ChallengeView | null, failure: () => ApiError | null): Promise<ChallengeAnswer> {
    const tracker = new ChallengeTracker(ch.action, base);
    const issued = performance.now();
    const deadline = issued + ch.timeoutSeconds * 1000;
    // The action, or "no face" / "one person only": shown like the align prompts, at most one change per 0.8 s.
    const stabilizer = new PromptStabilizer<AlignPrompt | LivenessActionName>();
    let lastKey = '';
    let askedAt = 0;
    // The question to the server runs while the frame loop goes on: the stream never pauses for it.
    let asking: Promise<void> | null = null;
    let answered: ChallengeAnswer | null = null;
    let askError: unknown = null;
    for (;;) {
      const err = failure();
      if (err) throw err;
      if (askError) throw askError;
      const answer = answered as ChallengeAnswer | null;
      if (answer) {
        answered = null;
        if (answer.state !== 'pending') {
          dispatch({ type: 'CHALLENGE', index: ch.index, total: ch.total, action: ch.action, done: true, secondsLeft: 0, prompt: null, help: false });
          return answer;
        }
        // Past the limit and the server still has not seen it: the attempt ends as a timeout.
        if (performance.now() > deadline + 3000) return { state: 'decided', outcome: await abortAttempt(token, attempt.attemptId, 'LIVENESS_TIMEOUT') };
      }
      const v = view();
      const seen = !!v && v.index === ch.index && v.seen;
      const now = performance.now();
      if ((seen || now > deadline) && !asking && now - askedAt > 400) {
        askedAt = now;
        asking = nextChallenge(token, attempt.attemptId)
          .then((a) => void (answered = a), (e: unknown) => void (askError = e))
          .finally(() => (asking = null));
      }
      const fr = await nextFrame(gen);
      const a = fr.analysis;
      let prompt: AlignPrompt | null = null;
      if (a.faceCount === 0 || !a.face) prompt = 'NO_FACE';
      else if (a.faceCount > 1) prompt = 'MULTIPLE_FACES';
      record(`challenge:${ch.action}`, a, prompt ?? undefined);
      let key = false;
      if (!prompt) key = !!tracker.step(a.face!, fr.time).keep;
      if (key) await streamer.offer(fr.bitmap, fr.time, true);
      fr.bitmap.close();
      const shown = stabilizer.show(prompt ?? ch.action, performance.now());
      const shownPrompt = shown === ch.action ? null : (shown as AlignPrompt);
      const help = !seen && !shownPrompt && fr.time - issued >= CHALLENGE_HELP_AFTER_MS;
      const secondsLeft = Math.max(0, Math.ceil((deadline - performance.now()) / 1000));
      const k = `${shown}:${help}:${secondsLeft}:${seen}`;
      if (k !== lastKey) dispatch({ type: 'CHALLENGE', index: ch.index, total: ch.total, action: ch.action, done: seen, secondsLeft, prompt: shownPrompt, help });
      lastKey = k;
    }
  }

  /** Keeps analysing and streaming frames while a request to the server is under way. */
  async function whileStreaming<T>(gen: number, streamer: FrameStreamer, p: Promise<T>): Promise<T> {
    let done = false;
    const settled = p.finally(() => (done = true));
    settled.catch(() => undefined);
    while (!done) {
      const fr = await nextFrame(gen);
      fr.bitmap.close();
    }
    return settled;
  }

  /**
   * The first camera frames through the worker are slower (first frame of this size, caches):
   * analyse a few before the attempt starts, so the live stream does not begin with a stall. The
   * models' own first inference already ran while the user read the intro (worker init), so this
   * only waits until the analysis time settles: two frames, then until the latest is no slower
   * than 1.5× the fastest. Relative, not an absolute "fast enough": a slow phone is steady at its
   * own speed and must not wait for a speed it never reaches.
   */
  async function warmUp(gen: number): Promise<void> {
    dispatch({ type: 'LOAD_PROGRESS', progress: 1, stage: 'warmup' });
    const until = performance.now() + 1500;
    let fastest = Infinity;
    for (let n = 1; performance.now() < until; n++) {
      const fr = await nextFrame(gen);
      fr.bitmap.close();
      const ms = fr.analysis.timings.total;
      fastest = Math.min(fastest, ms);
      if (n >= 2 && ms <= 1.5 * fastest) return;
    }
  }

  async function runAttempt(attempt: StartedAttempt): Promise<void> {
    const gen = ++generation;
    slots.clear();
    let serverView: ChallengeView | null = null;
    let streamFailure: ApiError | null = null;
    const streamer = new FrameStreamer({
      token,
      attemptId: attempt.attemptId,
      targetFps: attempt.stream.targetFps,
      maxSide: attempt.stream.maxSide,
      maxFramesPerBatch: attempt.stream.maxFramesPerBatch,
      onChallenge: (c) => (serverView = c),
      onFatal: (e) => (streamFailure = e),
    });
    currentStreamer = streamer;
    running = attempt;
    try {
      dispatch({ type: 'READY', total: attempt.challengeCount });
      streamer.startTicker(video);
      const aligned = await align(gen, attempt, streamer, () => streamFailure);
      if (!aligned) {
        streamer.stop();
        return decided(await abortAttempt(token, attempt.attemptId, 'ALIGN_TIMEOUT'));
      }
      const base = baselineFrom(aligned.faces);
      // The first challenge needs the stream to have reached the server; on a slow start, keep streaming and ask again.
      let answer: ChallengeAnswer | null = null;
      for (let tries = 0; !answer; tries++) {
        try {
          answer = await whileStreaming(gen, streamer, nextChallenge(token, attempt.attemptId));
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 'STREAM_NOT_LIVE') || tries >= 12) throw e;
          await whileStreaming(gen, streamer, new Promise((r) => setTimeout(r, 600)));
        }
      }
      for (;;) {
        if (answer.state === 'decided') {
          streamer.stop();
          return decided(answer.outcome);
        }
        if (answer.state === 'complete') break;
        answer = await runChallenge(gen, attempt, streamer, base, answer.challenge, () => serverView, () => streamFailure);
      }
      dispatch({ type: 'UPLOAD', progress: 0, checking: false });
      streamer.stopTicker();
      await streamer.flush();
      if (streamFailure) throw streamFailure;
      const best = slots.get('best');
      if (best) {
        const jpeg = await encodeJpeg(best);
        await putBestFrame(token, attempt.attemptId, aligned.bestSeq, jpeg, (p) => dispatch({ type: 'UPLOAD', progress: p, checking: false }));
      }
      slots.clear();
      dispatch({ type: 'UPLOAD', progress: 1, checking: true });
      decided(await finishAttempt(token, attempt.attemptId, aligned.bestSeq));
    } catch (e) {
      timers.clearAll();
      streamer.stop();
      // Cancelled (or replaced by a retry): a request that failed because the attempt was closed says nothing.
      if (e instanceof Cancelled || gen !== generation) return;
      if (e instanceof ApiError) {
        if (e.code === 'NETWORK' && e.status === 0) return fail('UPLOAD_FAILED');
        // The server closed the attempt meanwhile (its challenge limit ran out, or another tab
        // decided it): what it decided is the answer, not a server error.
        if (e.code === 'ATTEMPT_CLOSED') {
          const stored = await finishAttempt(token, attempt.attemptId, null).catch(() => null);
          if (stored) return decided(stored);
        }
        return apiFailure(e);
      }
      fail('CAMERA_LOST');
    } finally {
      if (currentStreamer === streamer) currentStreamer = null;
      if (running === attempt) running = null;
    }
  }

  /** Camera signals for the server (injection checks): label, track settings, measured frame rate. */
  async function signals(): Promise<unknown> {
    const elapsed = (performance.now() - cameraSince) / 1000;
    return cameraSignals(stream!, elapsed > 0.3 ? (presented - presentedAtCamera) / elapsed : undefined);
  }

  /**
   * The attempt starts on the server only once the camera delivers frames and the models run:
   * a denied or broken camera never uses up an attempt.
   */
  async function beginAttempt(): Promise<void> {
    try {
      await warmUp(generation);
    } catch {
      return fail('CAMERA_LOST');
    }
    if (disposed || cancelling) return;
    dispatch({ type: 'LOAD_PROGRESS', progress: 1, stage: 'starting' });
    let attempt: StartedAttempt;
    try {
      attempt = await startAttempt(token, opts.redirects, await signals());
    } catch (e) {
      return apiFailure(e);
    }
    // Cancelled while the server was starting it: the attempt is counted, so it ends as cancelled.
    if (cancelling) return decided(await abortAttempt(token, attempt.attemptId, 'USER_CANCELLED').catch(() => ({ outcome: 'retry' as const, reason: 'USER_CANCELLED', attemptsLeft: attempt.maxAttempts - attempt.seq, redirectUrl: null })));
    await runAttempt(attempt);
  }

  async function start(): Promise<void> {
    cancelling = false;
    const entry = takeAnalyzer((p) => dispatch({ type: 'LOAD_PROGRESS', progress: p }));
    const analyzerP = entry.analyzer;
    analyzerP.catch(() => undefined);
    try {
      stream = await openCamera();
      if (disposed || cancelling) {
        stream.getTracks().forEach((t) => t.stop());
        giveBack(entry);
        return;
      }
      await attachStream(video, stream);
      cameraSince = performance.now();
      presentedAtCamera = presented;
      for (const t of stream.getVideoTracks()) t.addEventListener('ended', () => !disposed && fail('CAMERA_LOST'));
    } catch (e) {
      giveBack(entry);
      return fail(e instanceof CameraError ? e.code : 'CAMERA_FAILED');
    }
    dispatch({ type: 'CAMERA_READY' });
    try {
      analyzer = await analyzerP;
    } catch {
      return fail('MODEL_LOAD_FAILED');
    }
    await beginAttempt();
  }

  async function retry(): Promise<void> {
    cancelling = false;
    if (!stream || !analyzer) return start();
    await beginAttempt();
  }

  async function cancel(): Promise<void> {
    cancelling = true;
    const attempt = running;
    if (!attempt) {
      // No attempt yet (permission prompt, models, warm-up): nothing to end on the server.
      dispose();
      dispatch({ type: 'CANCELLED' });
      return;
    }
    generation++;
    currentStreamer?.stop();
    try {
      decided(await abortAttempt(token, attempt.attemptId, 'USER_CANCELLED'));
    } catch (e) {
      apiFailure(e);
    }
  }

  function dispose(): void {
    disposed = true;
    generation++;
    timers.clearAll();
    slots.clear();
    currentStreamer?.stop();
    stream?.getTracks().forEach((t) => t.stop());
    void analyzer?.dispose();
  }

  return {
    start,
    retry,
    cancel,
    dispose,
  };
}
