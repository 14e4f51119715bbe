import { getAppContext } from '../../../../../lib/context';
import { sessionCookie } from '../../../../../lib/console/http';
import { completeOidcSignIn, flowCookie, OIDC_COOKIE, OidcSignInError } from '../../../../../lib/console/oidc';
import { log } from '../../../../../lib/log';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * The identity provider's redirect back. On success the answer is a tiny page that moves on to
 * the console itself, not a redirect: the session cookie is SameSite=Strict, and a browser does
 * not send it on a redirect chain that a cross-site navigation started.
 */
export async function GET(request: Request) {
  const ctx = await getAppContext();
  const search = new URL(request.url).search;
  const flow = request.headers.get('cookie')?.split(/;\s*/).find((c) => c.startsWith(`${OIDC_COOKIE}=`))?.slice(OIDC_COOKIE.length + 1);
  const clear = flowCookie('', ctx.config.publicUrl, 0);
  try {
    const s = await completeOidcSignIn(ctx, search, flow);
    const headers = new Headers({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'content-security-policy': "default-src 'none'" });
    headers.append('set-cookie', sessionCookie(s.cookie, ctx.config.publicUrl, (s.expiresAt - Date.now()) / 1000));
    headers.append('set-cookie', clear);
    const body = '<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/console/records"><title>Signed in</title><p><a href="/console/records">Continue to the console</a></p>';
    return new Response(body, { status: 200, headers });
  } catch (e) {
    const code = e instanceof OidcSignInError ? e.code : 'OIDC_PROVIDER_ERROR';
    log.warn({ code, err: (e as Error).message }, 'console OIDC sign-in refused');
    return new Response(null, { status: 303, headers: { location: `${ctx.config.publicUrl}/console/sign-in?error=${code}`, 'set-cookie': clear, 'cache-control': 'no-store' } });
  }
}
