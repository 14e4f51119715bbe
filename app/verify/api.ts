// The page's client for the token-bound H5 endpoints. The token travels in a header, never in
// a URL. Uploads use XHR for progress events and are retried; the server makes them idempotent.
import type { LivenessActionName } from '../../lib/i18n/messages';
import type { OutcomeKind } from './machine';

export const TOKEN_HEADER = 'x-verify-token';

export interface StartedAttempt {
  attemptId: string;
  seq: number;
  maxAttempts: number;
  challenges: LivenessActionName[];
  challengeTimeoutSeconds: number;
  frames: number;
}

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

export function startAttempt(token: string, redirects: { successRedirect?: string; failRedirect?: string }): Promise<StartedAttempt> {
  return withRetries(() => postJson<StartedAttempt>(token, '/api/h5/start', redirects), 3);
}

export function finishAttempt(token: string, attemptId: string): Promise<Outcome> {
  // The decision is stored before it is answered, so asking again is safe; a long decision answers DECISION_PENDING.
  return withRetries(() => postJson<Outcome>(token, '/api/h5/finish', { attemptId }), 12);
}

export function abortAttempt(token: string, attemptId: string, reason: 'LIVENESS_TIMEOUT' | 'USER_CANCELLED'): Promise<Outcome> {
  return withRetries(() => postJson<Outcome>(token, '/api/h5/abort', { attemptId, reason }), 3);
}

function putFrame(token: string, attemptId: string, index: number, jpeg: Blob, onProgress: (loaded: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `/api/h5/evidence?attempt=${encodeURIComponent(attemptId)}&index=${index}`);
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

/** Uploads the frames in order with overall byte progress; each frame is retried on its own. */
export async function uploadFrames(token: string, attemptId: string, frames: Blob[], onProgress: (fraction: number) => void): Promise<void> {
  const total = frames.reduce((s, f) => s + f.size, 0) || 1;
  let done = 0;
  for (const [index, jpeg] of frames.entries()) {
    await withRetries(() => putFrame(token, attemptId, index, jpeg, (loaded) => onProgress((done + Math.min(loaded, jpeg.size)) / total)), 4);
    done += jpeg.size;
    onProgress(done / total);
  }
}
