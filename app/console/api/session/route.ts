import { z } from 'zod';
import { getAppContext } from '../../../../lib/context';
import { clientAddress, ConsoleError, errorResponse, jsonResponse, readJson, sameOrigin, sessionCookie } from '../../../../lib/console/http';
import { signIn } from '../../../../lib/console/sign-in';
import { resolveSession, SESSION_COOKIE } from '../../../../lib/console/sessions';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const body = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).strict();

/** Sign in: body capped (4 KB) and rate-limited per address before any password is hashed. */
export async function POST(request: Request) {
  try {
    const ctx = await getAppContext();
    // Login CSRF: only our own sign-in page may post here.
    if (!sameOrigin(request, ctx.config.publicUrl)) throw new ConsoleError('CSRF', 403);
    const p = body.parse(await readJson(request, 4096));
    const r = await signIn(ctx, p.username, p.password, clientAddress(request));
    if (!r.ok) return jsonResponse({ error: r.error }, r.error === 'RATE_LIMITED' ? 429 : 401, r.error === 'RATE_LIMITED' ? { 'retry-after': String(Math.max(1, Math.ceil((r.retryAfterMs ?? 60_000) / 1000))) } : {});
    // Whatever cookie came in (a planted one included) is replaced by the new random id.
    return jsonResponse({ ok: true }, 200, { 'set-cookie': sessionCookie(r.cookie, ctx.config.publicUrl, (r.expiresAt - Date.now()) / 1000) });
  } catch (e) {
    return errorResponse(e, request);
  }
}

/** Who am I (and my CSRF token, for scripts); 401 when signed out. */
export async function GET(request: Request) {
  const ctx = await getAppContext();
  const cookie = request.headers.get('cookie')?.split(/;\s*/).find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.slice(SESSION_COOKIE.length + 1);
  const s = await resolveSession(ctx.db, cookie);
  if (!s) return jsonResponse({ error: 'UNAUTHENTICATED' }, 401);
  return jsonResponse({ username: s.operator.username, role: s.operator.role, csrfToken: s.csrfToken });
}
