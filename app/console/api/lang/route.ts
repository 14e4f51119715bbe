import { cookies, headers } from 'next/headers';
import { pickLocale } from '../../../../lib/i18n/locale';
import { LANG_COOKIE } from '../../../../lib/console/locale';

export const dynamic = 'force-dynamic';

/** The language switch: flips zh-CN ⇄ en in a cookie and goes back. */
export async function GET(request: Request) {
  const jar = await cookies();
  const current = pickLocale(jar.get(LANG_COOKIE)?.value, (await headers()).get('accept-language'));
  const next = current === 'en' ? 'zh-CN' : 'en';
  const back = request.headers.get('referer');
  const location = back && new URL(back).origin === new URL(request.url).origin ? new URL(back).pathname + new URL(back).search : '/console';
  return new Response(null, { status: 303, headers: { location, 'set-cookie': `${LANG_COOKIE}=${next}; Path=/; SameSite=Lax; Max-Age=31536000` } });
}
