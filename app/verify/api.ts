// The page's client for the token-bound H5 endpoints. The token travels in a header, never in
// a URL. Uploads use XHR for progress events and are retried; the server makes them idempotent.
import type { LivenessActionName } from '../../lib/i18n/messages';
import type { OutcomeKind } from './machine';

export const TOKEN_HEADER = 'x-verify-token';

export interface StartedAttempt {
  attemptId: string;
  seq: number;
  maxAttempts: number;
  challengeCount: number;
  challengeTimeoutSeconds: number;
  alignTimeoutSeconds: number;
  stream: { targetFps: number; maxSide: number; maxFramesPerBatch: number; maxFrameBytes: number };
}

export interface ChallengeView {
  index: number;
  total: number;
  action: LivenessActionName;
  issuedAt: number;
  timeoutSeconds: number;
  seen: boolean;
}

export type ChallengeAnswer = { state: 'issued' | 'pending'; challenge: ChallengeView } | { state: 'complete' } | { state: 'decided'; outcome: Outcome };

export interface Outcome {
  outcome: OutcomeKind;
  reason: string | null;
  attemptsLeft: number;
  redirectUrl: string | null;
}

/** A server answer with an error code (TOKEN_EXPIRED, ATTEMPTS_EXHAUSTED, …) or a network failure ('NETWORK'). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
  ) {
    super(code);
    this.name = 'ApiError';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function postJson<T>(token: string, path: string, body: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token }, body: JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
  } catch {
    throw new ApiError('NETWORK', 0);
  }
  const data = (await res.json().catch(() => ({}))) as { error?: string };
  if (res.status === 202 || !res.ok) throw new ApiError(data.error ?? (res.status >= 500 ? 'SERVER_ERROR' : 'BAD_REQUEST'), res.status);
  return data as T;
}

/** Retries what a retry can fix (network, 5xx, a decision still running), with backoff. */
async function withRetries<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await fn();
    } catch (e) {
      last = e;
      const retryable = e instanceof ApiError && (e.code === 'NETWORK' || e.status >= 500 || e.code === 'DECISION_PENDING');
      if (!retryable) throw e;
      await sleep(Math.min(4000, 400 * 2 ** i));
    }
  }
  throw last;
}

export function startAttempt(token: string, redirects: { successRedirect?: string; failRedirect?: string }, camera: unknown): Promise<StartedAttempt> {
  return withRetries(() => postJson<StartedAttempt>(token, '/api/h5/start', { ...redirects, camera }), 3);
}

export function nextChallenge(token: string, attemptId: string): Promise<ChallengeAnswer> {
  return withRetries(() => postJson<ChallengeAnswer>(token, '/api/h5/challenge', { attemptId }), 4);
}

export function finishAttempt(token: string, attemptId: string, bestSeq: number | null): Promise<Outcome> {
  // The decision is stored before it is answered, so asking again is safe; a long decision answers DECISION_PENDING.
  return withRetries(() => postJson<Outcome>(token, '/api/h5/finish', { attemptId, bestSeq }), 12);
}

export function abortAttempt(token: string, attemptId: string, reason: 'LIVENESS_TIMEOUT' | 'ALIGN_TIMEOUT' | 'USER_CANCELLED'): Promise<Outcome> {
  return withRetries(() => postJson<Outcome>(token, '/api/h5/abort', { attemptId, reason }), 3);
}

/** One batch of the live stream: 4-byte header length, JSON header, then the JPEGs. */
export async function postStreamBatch(token: string, attemptId: string, frames: { seq: number; t: number; jpeg: Blob }[]): Promise<{ challenge: ChallengeView | null }> {
  const header = new TextEncoder().encode(JSON.stringify({ frames: frames.map((f) => ({ seq: f.seq, t: f.t, bytes: f.jpeg.size })) }));
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, header.length);
  const body = new Blob([len, header, ...frames.map((f) => f.jpeg)], { type: 'application/octet-stream' });
  let res: Response;
  try {
    res = await fetch(`/api/h5/stream?attempt=${encodeURIComponent(attemptId)}`, { method: 'POST', headers: { [TOKEN_HEADER]: token, 'content-type': 'application/octet-stream' }, body, cache: 'no-store', credentials: 'omit' });
  } catch {
    throw new ApiError('NETWORK', 0);
  }
  const data = (await res.json().catch(() => ({}))) as { error?: string; challenge?: ChallengeView | null };
  if (!res.ok) throw new ApiError(data.error ?? (res.status >= 500 ? 'SERVER_ERROR' : 'BAD_REQUEST'), res.status);
  return { challenge: data.challenge ?? null };
}

/** The full-resolution copy of one streamed frame (the server checks it is the same moment). */
export function putBestFrame(token: string, attemptId: string, seq: number, jpeg: Blob, onProgress: (fraction: number) => void): Promise<void> {
  return withRetries(() => putFrame(`/api/h5/evidence?attempt=${encodeURIComponent(attemptId)}&seq=${seq}`, token, jpeg, (loaded) => onProgress(Math.min(1, loaded / (jpeg.size || 1)))), 4);
}

function putFrame(url: string, token: string, jpeg: Blob, onProgress: (loaded: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.setRequestHeader(TOKEN_HEADER, token);
    xhr.setRequestHeader('content-type', 'image/jpeg');
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      let code = xhr.status >= 500 ? 'SERVER_ERROR' : 'BAD_REQUEST';
      try {
        code = (JSON.parse(xhr.responseText) as { error?: string }).error ?? code;
      } catch {
        /* keep */
      }
      reject(new ApiError(code, xhr.status));
    };
    xhr.onerror = () => reject(new ApiError('NETWORK', 0));
    xhr.ontimeout = () => reject(new ApiError('NETWORK', 0));
    xhr.timeout = 30_000;
    xhr.send(jpeg);
  });
}
