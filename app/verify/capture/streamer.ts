// The live stream: what the camera sees, sent while it is captured (DESIGN §8): a frame every
// 1/targetFps s (≈ 8 fps) on its own timer, plus the analysed frames the page wants the server to
// see for sure (around an action, the best frame). Frames are downscaled (short
// side ≤ 240 px, long side ≤ maxSide) and JPEG-encoded at quality 0.7: ≈ 5–10 KB each, so a
// 15 s attempt is ≈ 1 MB. The whole frame, not a face crop: the server's detector takes a
// 320×240 input anyway, its anti-spoof model needs the context around the face, and a whole
// frame shows a cut between two recordings.
//
// Batches go one request at a time (whatever accumulated while the previous one was in flight),
// so the send rate adapts to the network without reordering; a failed batch is resent as it was
// (the server stores frames idempotently per seq).
import { ApiError, postStreamBatch, type ChallengeView } from '../api';

export interface StreamerOptions {
  token: string;
  attemptId: string;
  targetFps: number;
  maxSide: number;
  maxFramesPerBatch: number;
  onChallenge: (c: ChallengeView | null) => void;
  onFatal: (e: ApiError) => void;
}

const SHORT_SIDE = 240;
const JPEG_QUALITY = 0.7;
/** Frames waiting beyond this are dropped (oldest first): the server will see the hole and say so. */
const MAX_BACKLOG = 40;

export class FrameStreamer {
  private seq = 0;
  private lastSentAt = -Infinity;
  private readonly queue: { seq: number; t: number; jpeg: Blob }[] = [];
  private inFlight: Promise<void> | null = null;
  private encoding: Promise<void> = Promise.resolve();
  private stopped = false;
  private failures = 0;
  /** Bytes sent, for the benchmarks and the trace. */
  bytes = 0;
  frames = 0;

  private ticker: ReturnType<typeof setInterval> | null = null;
  private grabbing = false;

  constructor(private readonly o: StreamerOptions) {}

  /**
   * Streams the camera at targetFps on its own timer, independent of the face worker's speed: a
   * slow phone analyses fewer frames but the server still gets a live cadence.
   */
  startTicker(video: HTMLVideoElement): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => {
      if (this.grabbing || this.stopped || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) return;
      const now = performance.now();
      if (now - this.lastSentAt < 1000 / this.o.targetFps - 8) return;
      this.grabbing = true;
      void createImageBitmap(video)
        .then(async (b) => {
          try {
            await this.offer(b, now, true);
          } finally {
            b.close();
          }
        })
        .catch(() => undefined)
        .finally(() => (this.grabbing = false));
    }, Math.max(20, Math.floor(1000 / this.o.targetFps / 3)));
  }

  /**
   * Offers one analysed frame (a copy of exactly the analysed pixels). Returns the frame's seq
   * when it is sent, else null. Resolves once the pixels were copied: the caller may close `bitmap`.
   */
  async offer(bitmap: ImageBitmap, captureTime: number, force = false): Promise<number | null> {
    if (this.stopped) return null;
    if (!force && captureTime - this.lastSentAt < 1000 / this.o.targetFps - 8) return null;
    this.lastSentAt = captureTime;
    const seq = this.seq++;
    const scale = Math.min(1, SHORT_SIDE / Math.min(bitmap.width, bitmap.height), this.o.maxSide / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * scale));
    const h = Math.max(1, Math.round(bitmap.height * scale));
    const small = await createImageBitmap(bitmap, { resizeWidth: w, resizeHeight: h, resizeQuality: 'medium' });
    // Capture time on the page's clock, as epoch ms (the server maps it onto its own clock).
    const t = performance.timeOrigin + captureTime;
    // Encode in order, so the queue stays in capture order.
    this.encoding = this.encoding.then(async () => {
      try {
        const jpeg = await encode(small);
        this.queue.push({ seq, t, jpeg });
        if (this.queue.length > MAX_BACKLOG) this.queue.shift();
        this.pump();
      } catch {
        // One frame that failed to encode is a hole in the stream, not the end of it.
      } finally {
        small.close();
      }
    });
    return seq;
  }

  private pump(): void {
    if (this.inFlight || this.queue.length === 0 || this.stopped) return;
    const batch = this.queue.splice(0, this.o.maxFramesPerBatch);
    this.inFlight = (async () => {
      for (;;) {
        try {
          const r = await postStreamBatch(this.o.token, this.o.attemptId, batch);
          this.failures = 0;
          this.frames += batch.length;
          this.bytes += batch.reduce((s, f) => s + f.jpeg.size, 0);
          if (!this.stopped) this.o.onChallenge(r.challenge);
          return;
        } catch (e) {
          const err = e instanceof ApiError ? e : new ApiError('NETWORK', 0);
          const retryable = err.code === 'NETWORK' || err.status >= 500 || err.status === 429;
          if (!retryable || ++this.failures > 6 || this.stopped) {
            if (!this.stopped) this.o.onFatal(err);
            this.stopped = true;
            return;
          }
          await new Promise((r) => setTimeout(r, Math.min(2000, 150 * 2 ** this.failures)));
        }
      }
    })().finally(() => {
      this.inFlight = null;
      this.pump();
    });
  }

  /** Waits until every offered frame was sent. */
  async flush(): Promise<void> {
    for (;;) {
      await this.encoding;
      if (this.inFlight) await this.inFlight;
      else if (this.queue.length && !this.stopped) this.pump();
      else return;
    }
  }

  stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  stop(): void {
    this.stopTicker();
    this.stopped = true;
    this.queue.length = 0;
  }
}

async function encode(bitmap: ImageBitmap): Promise<Blob> {
  if (typeof OffscreenCanvas !== 'undefined') {
    const c = new OffscreenCanvas(bitmap.width, bitmap.height);
    c.getContext('2d')!.drawImage(bitmap, 0, 0);
    return c.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
  }
  const c = document.createElement('canvas');
  c.width = bitmap.width;
  c.height = bitmap.height;
  c.getContext('2d')!.drawImage(bitmap, 0, 0);
  return new Promise<Blob>((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error('JPEG encoding failed'))), 'image/jpeg', JPEG_QUALITY));
}
