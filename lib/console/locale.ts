import { cookies, headers } from 'next/headers';
import { pickLocale, type Locale } from '../i18n/locale';

export const LANG_COOKIE = 'ca_lang';

/** The console's language: the ca_lang cookie (the language switch), else Accept-Language. */
export async function consoleLocale(): Promise<Locale> {
  const [jar, h] = await Promise.all([cookies(), headers()]);
  return pickLocale(jar.get(LANG_COOKIE)?.value, h.get('accept-language'));
}
