import { getAppContext, type AppContext } from '../../context';
import { log } from '../../log';
import { H5Error } from './errors';
import { readCappedBody } from '../../http/read-capped-body';
import { hashToken } from '../tokens';
import { takeH5RateLimit } from '../../security/rate-limits';

/** The page sends its token in this header, never in a URL (URLs end up in logs). */
export const TOKEN_HEADER = 'x-verify-token';

/** Largest JSON body an H5 control call may send. */
export const MAX_JSON_BODY_BYTES = 8192;

const NO_STORE = { 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' };

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...NO_STORE, ...headers } });
}

/** Answered when one token sends more than the per-token rate limit allows (see the README). */
export const RATE_LIMITED = 'RATE_LIMITED';

/**
 * Shared shell of the token-bound H5 route handlers. In this order, before `run` reads any body:
 * the token's shape, its existence (one indexed read by hash), then the per-token rate limit;
 * afterwards typed errors become JSON. A bogus token therefore costs one lookup and no body, and
 * no token can flood the endpoints.
 */
export async function h5Handler(request: Request, run: (ctx: AppContext, token: string) => Promise<unknown>): Promise<Response> {
  try {
    const token = request.headers.get(TOKEN_HEADER) ?? '';
    if (!/^[0-9a-f]{64}$/.test(token)) throw new H5Error('TOKEN_UNKNOWN');
    const ctx = await getAppContext();
    const tokenHash = hashToken(token);
    const known = await ctx.db.selectFrom('verify_tokens').select('token_hash').where('token_hash', '=', tokenHash).executeTakeFirst();
    if (!known) throw new H5Error('TOKEN_UNKNOWN');
    const limit = await takeH5RateLimit(ctx, tokenHash);
    if (!limit.allowed) return json({ error: RATE_LIMITED }, 429, { 'retry-after': String(Math.ceil(limit.retryAfterMs / 1000)) });
    return json(await run(ctx, token));
  } catch (e) {
    if (e instanceof H5Error) return json({ error: e.code }, e.status);
    log.error({ err: (e as Error).message, path: new URL(request.url).pathname }, 'h5 endpoint failed');
    return json({ error: 'SERVER_ERROR' }, 500);
  }
}

/** A JSON object body of at most `maxBytes`, read with the capped reader (never buffered whole). */
export async function readJsonBody(request: Request, maxBytes = MAX_JSON_BODY_BYTES): Promise<Record<string, unknown>> {
  const buf = await readCappedBody(request, maxBytes, () => new H5Error('BAD_REQUEST'));
  if (buf.length === 0) return {};
  try {
    const v = JSON.parse(buf.toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* below */
  }
  throw new H5Error('BAD_REQUEST');
}

export function str(v: unknown, max = 2048): string | undefined {
  return typeof v === 'string' && v.length <= max ? v : undefined;
}

/** Reads a request body up to `max` bytes, refusing more without buffering it all. */
export const readLimitedBody = (request: Request, max: number): Promise<Buffer> => readCappedBody(request, max, () => new H5Error('FRAME_TOO_LARGE'));
