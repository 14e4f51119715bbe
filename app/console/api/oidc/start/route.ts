import { getAppContext } from '../../../../../lib/context';
import { beginOidcSignIn, OidcSignInError } from '../../../../../lib/console/oidc';
import { log } from '../../../../../lib/log';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Sends the browser to the identity provider (a GET, so the sign-in page can link to it). */
export async function GET() {
  const ctx = await getAppContext();
  try {
    const { url, cookie } = await beginOidcSignIn(ctx);
    return new Response(null, { status: 302, headers: { location: url, 'set-cookie': cookie, 'cache-control': 'no-store' } });
  } catch (e) {
    const code = e instanceof OidcSignInError ? e.code : 'OIDC_PROVIDER_ERROR';
    log.warn({ code, err: (e as Error).message }, 'console OIDC sign-in could not start');
    return new Response(null, { status: 303, headers: { location: `${ctx.config.publicUrl}/console/sign-in?error=${code}`, 'cache-control': 'no-store' } });
  }
}
