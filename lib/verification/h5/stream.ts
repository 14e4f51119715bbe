import type { AppContext } from '../../context';
import type { H5AttemptTable, H5FrameTable } from '../../store/schema';
import type { LivenessAction } from '../../store/scenes';
import { getBiometricEngine } from '../../biometrics/engine';
import { isImageInputError } from '../../biometrics/errors';
import { sha256Hex } from '../../ids';
import { log } from '../../log';
import { countPeople } from './checks';
import { isJpeg } from './evidence';
import { H5Error } from './errors';
import { clockOffset, findAction, type StreamFrame, type StreamFrameFacts } from './stream-checks';
import { faceFacts } from './face-facts';

/**
 * The live stream: the page posts what the camera sees as it is captured, in small batches over
 * ordinary sequential HTTP requests (token in a header). HTTP rather than a WebSocket: it passes
 * every reverse proxy and CDN without upgrade configuration, works the same in Android WebView and
 * WKWebView, needs no sticky sessions when several instances share one database, and each request
 * is bounded and authenticated on its own.
 *
 * Body: a 4-byte big-endian header length, a JSON header `{frames: [{seq, t, bytes}]}`, then the
 * JPEGs back to back. `t` is the capture time on the page's clock (ms); the server stamps the
 * arrival itself.
 */
export const STREAM_LIMITS = {
  maxFramesPerBatch: 12,
  maxFrameBytes: 256 * 1024,
  maxBatchBytes: 1024 * 1024,
  maxHeaderBytes: 4096,
  /** Frames per attempt (a 15-minute attempt at 10 fps is 9 000; nobody needs that many). */
  maxFramesPerAttempt: 3000,
  /** Longest side of a streamed frame the server accepts (the page sends ≤ 400). */
  maxSide: 640,
} as const;

export interface BatchFrame {
  seq: number;
  t: number;
  data: Buffer;
}

export function parseBatch(body: Buffer): BatchFrame[] {
  const L = STREAM_LIMITS;
  if (body.length < 4) throw new H5Error('BAD_REQUEST', 'empty batch');
  const hl = body.readUInt32BE(0);
  if (hl === 0 || hl > L.maxHeaderBytes || 4 + hl > body.length) throw new H5Error('BAD_REQUEST', 'bad batch header');
  let header: unknown;
  try {
    header = JSON.parse(body.subarray(4, 4 + hl).toString('utf8'));
  } catch {
    throw new H5Error('BAD_REQUEST', 'bad batch header');
  }
  const list = (header as { frames?: unknown })?.frames;
  if (!Array.isArray(list) || list.length === 0 || list.length > L.maxFramesPerBatch) throw new H5Error('BAD_REQUEST', 'bad frame list');
  let off = 4 + hl;
  const out: BatchFrame[] = [];
  for (const f of list as { seq?: unknown; t?: unknown; bytes?: unknown }[]) {
    const { seq, t, bytes } = f ?? {};
    if (!Number.isInteger(seq) || (seq as number) < 0 || (seq as number) >= L.maxFramesPerAttempt) throw new H5Error('BAD_FRAME_INDEX');
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) throw new H5Error('BAD_REQUEST', 'bad capture time');
    if (!Number.isInteger(bytes) || (bytes as number) <= 0) throw new H5Error('BAD_REQUEST', 'bad frame size');
    if ((bytes as number) > L.maxFrameBytes) throw new H5Error('FRAME_TOO_LARGE');
    if (off + (bytes as number) > body.length) throw new H5Error('BAD_REQUEST', 'truncated batch');
    const data = body.subarray(off, off + (bytes as number));
    off += bytes as number;
    if (!isJpeg(data)) throw new H5Error('NOT_JPEG');
    if (out.some((o) => o.seq === seq)) throw new H5Error('BAD_FRAME_INDEX');
    out.push({ seq: seq as number, t: t as number, data: Buffer.from(data) });
  }
  if (off !== body.length) throw new H5Error('BAD_REQUEST', 'trailing bytes');
  return out;
}

/** The server's cheap per-frame stage (detector, landmarks, eyes): no embedding, no anti-spoof. */
export async function measureFrame(data: Buffer): Promise<{ facts: StreamFrameFacts; width: number; height: number }> {
  const engine = await getBiometricEngine();
  try {
    const a = await engine.analyze(data, { embed: false, liveness: false, maxFaces: 3 });
    const main = a.faces[0];
    const side = Math.max(1, Math.min(a.width, a.height));
    const facts: StreamFrameFacts = { faceCount: countPeople(a.faces.map((f) => f.box.width)) };
    if (main) {
      const ff = faceFacts(a, main);
      delete ff.embedding;
      delete ff.liveness;
      facts.face = ff;
      facts.score = Math.round(main.score * 1000) / 1000;
      facts.box = { cx: (main.box.x + main.box.width / 2) / side, cy: (main.box.y + main.box.height / 2) / side, w: main.box.width / side };
    }
    return { facts, width: a.width, height: a.height };
  } catch (err) {
    if (isImageInputError(err)) return { facts: { faceCount: 0 }, width: 0, height: 0 };
    throw err;
  }
}

export function toStreamFrame(r: Pick<H5FrameTable, 'seq' | 'capture_ts' | 'arrival_ts' | 'facts'>): StreamFrame {
  return { seq: r.seq, captureTs: Number(r.capture_ts), arrivalTs: Number(r.arrival_ts), facts: r.facts ? (JSON.parse(r.facts) as StreamFrameFacts) : null };
}

export async function loadStream(ctx: AppContext, attemptId: string): Promise<StreamFrame[]> {
  const rows = await ctx.db.selectFrom('h5_frames').select(['seq', 'capture_ts', 'arrival_ts', 'facts']).where('attempt_id', '=', attemptId).orderBy('capture_ts').orderBy('seq').execute();
  return rows.map(toStreamFrame);
}

/** Measures every stored frame of the attempt that has no measurements yet (another instance may have received it). */
export async function measurePending(ctx: AppContext, attemptId: string, seqs?: number[]): Promise<void> {
  let q = ctx.db.selectFrom('h5_frames').select(['seq', 'blob_key']).where('attempt_id', '=', attemptId).where('facts', 'is', null).where('blob_key', 'is not', null);
  if (seqs) q = q.where('seq', 'in', seqs.length ? seqs : [-1]);
  const rows = await q.execute();
  await Promise.all(
    rows.map(async (r) => {
      const data = await ctx.blobs.get(r.blob_key!);
      const m = await measureFrame(data);
      await ctx.db.updateTable('h5_frames').set({ facts: JSON.stringify(m.facts), width: m.width, height: m.height }).where('attempt_id', '=', attemptId).where('seq', '=', r.seq).execute();
    }),
  );
}

/** Per-attempt chain of measurement jobs, so a batch's analysis never overtakes the previous one. */
const chains = new Map<string, Promise<void>>();

function schedule(attemptId: string, job: () => Promise<void>): Promise<void> {
  const prev = chains.get(attemptId) ?? Promise.resolve();
  const next = prev.then(job).catch((e: unknown) => log.warn({ err: (e as Error).message, attemptId }, 'stream frame analysis failed; retried at finish'));
  chains.set(attemptId, next);
  void next.then(() => {
    if (chains.get(attemptId) === next) chains.delete(attemptId);
  });
  return next;
}

/** Waits for this process's pending measurements of an attempt (finish calls it before deciding). */
export async function settleMeasurements(attemptId: string): Promise<void> {
  await chains.get(attemptId);
}

export interface ChallengeView {
  index: number;
  total: number;
  action: LivenessAction;
  issuedAt: number;
  timeoutSeconds: number;
  seen: boolean;
}

/**
 * Evaluates the current (issued, not yet seen) challenge against the server's measurements of the
 * stream, and records when it was seen. Only the server's own analysis can mark it seen.
 */
export async function evaluateCurrentChallenge(ctx: AppContext, attempt: H5AttemptTable, timeoutSeconds: number): Promise<void> {
  const ch = await ctx.db.selectFrom('h5_challenges').selectAll().where('attempt_id', '=', attempt.id).where('seen_at', 'is', null).orderBy('idx', 'desc').executeTakeFirst();
  if (!ch) return;
  const frames = await loadStream(ctx, attempt.id);
  const issued = Number(ch.issued_at);
  const ev = findAction(ch.action as LivenessAction, frames, issued, issued + timeoutSeconds * 1000, clockOffset(frames));
  if (!ev) return;
  await ctx.db.updateTable('h5_challenges').set({ seen_at: Date.now(), evidence: JSON.stringify(ev) }).where('attempt_id', '=', attempt.id).where('idx', '=', ch.idx).where('seen_at', 'is', null).execute();
}

/**
 * Stores a batch (idempotent per seq: a retried batch answers as before; other bytes for a stored
 * seq are refused) and queues the server's measurement of the new frames.
 */
export async function storeBatch(ctx: AppContext, attempt: H5AttemptTable, frames: BatchFrame[], timeoutSeconds: number, now = Date.now()): Promise<{ stored: number; duplicates: number; measured: Promise<void> }> {
  const seqs = frames.map((f) => f.seq);
  const existing = await ctx.db.selectFrom('h5_frames').select(['seq', 'sha256']).where('attempt_id', '=', attempt.id).where('seq', 'in', seqs).execute();
  const known = new Map(existing.map((e) => [e.seq, e.sha256]));
  const count = await ctx.db.selectFrom('h5_frames').select((eb) => eb.fn.countAll<number>().as('n')).where('attempt_id', '=', attempt.id).executeTakeFirst();
  if (Number(count?.n ?? 0) + frames.length > STREAM_LIMITS.maxFramesPerAttempt) throw new H5Error('BAD_FRAME_INDEX', 'too many frames');
  const fresh: number[] = [];
  let duplicates = 0;
  for (const f of frames) {
    const sha = sha256Hex(f.data);
    const prior = known.get(f.seq);
    if (prior !== undefined) {
      if (prior !== sha) throw new H5Error('FRAME_CONFLICT');
      duplicates++;
      continue;
    }
    const blobKey = await ctx.blobs.put(f.data);
    const r = await ctx.db
      .insertInto('h5_frames')
      .values({ attempt_id: attempt.id, seq: f.seq, capture_ts: f.t, arrival_ts: now, sha256: sha, size: f.data.length, width: null, height: null, blob_key: blobKey, facts: null })
      .onConflict((oc) => oc.columns(['attempt_id', 'seq']).doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0n) !== 1) {
      await ctx.blobs.delete(blobKey);
      duplicates++;
      continue;
    }
    fresh.push(f.seq);
  }
  const measured = schedule(attempt.id, async () => {
    await measurePending(ctx, attempt.id, fresh);
    await evaluateCurrentChallenge(ctx, attempt, timeoutSeconds);
  });
  return { stored: fresh.length, duplicates, measured };
}
