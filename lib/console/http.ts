import { cookies } from 'next/headers';
import type { ZodError } from 'zod';
import { getAppContext, type AppContext } from '../context';
import { readCappedBody } from '../http/read-capped-body';
import { log } from '../log';
import { can, type Permission } from './operators';
import { csrfMatches, resolveSession, SESSION_COOKIE, type ConsoleSession } from './sessions';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export class ConsoleError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(code);
  }
}

export const jsonResponse = (body: unknown, status = 200, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });

/** Console bodies are small JSON forms: cap them before anything else is done. */
export const CONSOLE_BODY_LIMIT = 64 * 1024;

export async function readJson(request: Request, limit = CONSOLE_BODY_LIMIT): Promise<Record<string, unknown>> {
  const buf = await readCappedBody(request, limit, () => new ConsoleError('BODY_TOO_LARGE', 413));
  if (buf.length === 0) return {};
  try {
    const v = JSON.parse(buf.toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* below */
  }
  throw new ConsoleError('BAD_REQUEST', 400);
}

/** A state change must come from our own pages: same Origin (when the browser sends one). */
export function sameOrigin(request: Request, publicUrl: string): boolean {
  const origin = request.headers.get('origin');
  if (!origin) return request.headers.get('sec-fetch-site') !== 'cross-site';
  const allowed = new Set([new URL(publicUrl).origin, new URL(request.url).origin]);
  const host = request.headers.get('host');
  if (host) allowed.add(`${new URL(request.url).protocol}//${host}`);
  return allowed.has(origin);
}

export function clientAddress(request: Request): string {
  // The nearest hop's address (Next appends the socket address to x-forwarded-for).
  const xff = request.headers.get('x-forwarded-for');
  return xff?.split(',').pop()?.trim() || 'local';
}

export async function currentSession(ctx: AppContext): Promise<ConsoleSession | null> {
  const jar = await cookies();
  return resolveSession(ctx.db, jar.get(SESSION_COOKIE)?.value);
}

/**
 * Shell of every console API route: session, role (403 on the server, whatever the UI shows),
 * CSRF token and Origin on every state change, typed JSON errors.
 */
export type RouteParams = Record<string, string>;

export function consoleRoute(permission: Permission, run: (ctx: AppContext, session: ConsoleSession, request: Request, params: RouteParams) => Promise<unknown>) {
  return async (request: Request, extra?: { params?: Promise<RouteParams> }): Promise<Response> => {
    try {
      const ctx = await getAppContext();
      const session = await currentSession(ctx);
      if (!session) throw new ConsoleError('UNAUTHENTICATED', 401);
      const mutating = request.method !== 'GET' && request.method !== 'HEAD';
      if (mutating && (!sameOrigin(request, ctx.config.publicUrl) || !csrfMatches(session.csrfToken, request.headers.get('x-csrf-token')))) throw new ConsoleError('CSRF', 403);
      if (!can(session.operator.role, permission)) throw new ConsoleError('FORBIDDEN', 403);
      const out = await run(ctx, session, request, (await extra?.params) ?? {});
      return out instanceof Response ? out : jsonResponse(out ?? { ok: true });
    } catch (e) {
      return errorResponse(e, request);
    }
  };
}

export function errorResponse(e: unknown, request: Request): Response {
  if (e instanceof ConsoleError) return jsonResponse({ error: e.code, details: e.details }, e.status);
  if (e && typeof e === 'object' && 'issues' in e) {
    const issues = (e as ZodError).issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    return jsonResponse({ error: 'INVALID', details: issues }, 400);
  }
  log.error({ err: (e as Error)?.message, path: new URL(request.url).pathname }, 'console endpoint failed');
  return jsonResponse({ error: 'SERVER_ERROR' }, 500);
}

export function sessionCookie(value: string, publicUrl: string, maxAgeSeconds: number): string {
  const secure = publicUrl.startsWith('https:') ? '; Secure' : '';
  // SameSite=Strict: the console is never entered from another site with our cookie.
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${secure}`;
}
