import { newRequestId } from '../../ids';

/**
 * FaceID's HTTP errors (seed 004's tables): JSON `{request_id, time_used, error}` with the
 * documented status, except 413, which the gateway answers in plain text. `X-Ca-Error-Message`
 * carries the same text (the official gateway client reports only that header on a failure).
 */
export class FaceIdError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 413 | 429 | 500,
    readonly error: string,
    /** A short English hint for X-Ca-Error-Message (never a secret, never request data). */
    readonly hint?: string,
    /** Seconds for Retry-After (a limit answer). */
    readonly retryAfter?: number,
  ) {
    super(error);
  }
}

export const missingArgument = (key: string) => new FaceIdError(400, `MISSING_ARGUMENTS:${key}`);
export const badArgument = (key: string, hint?: string) => new FaceIdError(400, `BAD_ARGUMENTS:${key}`, hint);
export const tooLarge = () => new FaceIdError(413, 'Request Entity Too Large');
export const apiNotFound = () => new FaceIdError(404, 'API_NOT_FOUND');

/** FaceID's request_id shape: `<unix seconds>,<uuid>`. */
export function faceIdRequestId(now = Date.now()): string {
  return `${Math.floor(now / 1000)},${newRequestId().toLowerCase()}`;
}

const headers = (requestId: string, extra: Record<string, string> = {}) => ({ 'x-ca-request-id': requestId, 'cache-control': 'no-store', ...extra });

export function errorResponse(e: FaceIdError, requestId: string, started: number): Response {
  // Header values must be ASCII (a non-ASCII byte would make the Response itself throw).
  const message = (e.hint ? `${e.error}: ${e.hint}` : e.error).replace(/[^\x20-\x7e]/g, '?');
  if (e.status === 413) return new Response(e.error, { status: 413, headers: headers(requestId, { 'content-type': 'text/plain; charset=utf-8', 'x-ca-error-message': message }) });
  const extra: Record<string, string> = { 'x-ca-error-message': message };
  if (e.retryAfter) extra['retry-after'] = String(e.retryAfter);
  return Response.json({ request_id: requestId, time_used: Math.round(performance.now() - started), error: e.error }, { status: e.status, headers: headers(requestId, extra) });
}

export function okResponse(body: Record<string, unknown>, requestId: string): Response {
  return Response.json(body, { status: 200, headers: headers(requestId) });
}
