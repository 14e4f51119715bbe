import { redirect } from 'next/navigation';
import { getAppContext, type AppContext } from '../context';
import type { Locale } from '../i18n/locale';
import { currentSession } from './http';
import { consoleLocale } from './locale';
import { translator, type T } from './messages';
import { can, type Permission } from './operators';
import type { ConsoleSession } from './sessions';

export interface PageContext {
  ctx: AppContext;
  session: ConsoleSession;
  locale: Locale;
  t: T;
  allowed: boolean;
}

/** For console pages: the session (else to sign-in) and whether the role may see this page. */
export async function consolePage(permission: Permission): Promise<PageContext> {
  const ctx = await getAppContext();
  const session = await currentSession(ctx);
  if (!session) redirect('/console/sign-in');
  const locale = await consoleLocale();
  return { ctx, session, locale, t: translator(locale), allowed: can(session.operator.role, permission) };
}

export const fmtTime = (ms: number | null | undefined, locale: Locale) => (ms ? new Date(ms).toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'UTC', hour12: false }) + ' UTC' : '—');
