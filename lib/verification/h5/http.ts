import { getAppContext, type AppContext } from '../../context';
import { log } from '../../log';
import { H5Error } from './errors';
import { readCappedBody } from '../../http/read-capped-body';

/** The page sends its token in this header, never in a URL (URLs end up in logs). */
export const TOKEN_HEADER = 'x-verify-token';

const NO_STORE = { 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' };

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: NO_STORE });
}

/** Shared shell of the token-bound H5 route handlers: context, token, typed errors as JSON. */
export async function h5Handler(request: Request, run: (ctx: AppContext, token: string) => Promise<unknown>): Promise<Response> {
  try {
    const token = request.headers.get(TOKEN_HEADER) ?? '';
    if (!token) throw new H5Error('TOKEN_UNKNOWN');
    const ctx = await getAppContext();
    return json(await run(ctx, token));
  } catch (e) {
    if (e instanceof H5Error) return json({ error: e.code }, e.status);
    log.error({ err: (e as Error).message, path: new URL(request.url).pathname }, 'h5 endpoint failed');
    return json({ error: 'SERVER_ERROR' }, 500);
  }
}

export async function readJsonBody(request: Request, maxBytes = 8192): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (text.length > maxBytes) throw new H5Error('BAD_REQUEST');
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
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
