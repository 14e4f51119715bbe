import Link from 'next/link';
import type { OperatorRole } from '../../../lib/store/schema';
import { can } from '../../../lib/console/operators';
import type { T } from '../../../lib/console/messages';
import { ActionForm } from './action-form';

/** Header of every signed-in console page; links only to what the role may open. */
export function ConsoleNav({ t, username, role, errors }: { t: T; username: string; role: OperatorRole; errors: Record<string, string> }) {
  const links: [string, string, boolean][] = [
    ['/console/records', t('records'), true],
    ['/console/reviews', t('reviews'), can(role, 'review')],
    ['/console/analytics', t('analytics'), true],
    ['/console/scenes', t('scenes'), can(role, 'manageScenes')],
    ['/console/keys', t('keys'), can(role, 'manageKeys')],
    ['/console/operators', t('operators'), can(role, 'manageOperators')],
  ];
  return (
    <header className="border-b border-slate-200 bg-white">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2">
        {t('skip')}
      </a>
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
        <span className="font-semibold">Open Cloudauth · {t('console')}</span>
        <nav aria-label={t('console')} className="flex flex-wrap gap-x-3 gap-y-1 text-sm">
          {links
            .filter(([, , ok]) => ok)
            .map(([href, label]) => (
              <Link key={href} href={href} className="text-slate-800 underline-offset-2 hover:underline">
                {label}
              </Link>
            ))}
        </nav>
        <div className="ml-auto flex flex-wrap items-center gap-2 text-sm">
          <span data-testid="whoami">
            {username} ({t(role)})
          </span>
          <a href="/console/api/lang" className="underline">
            {t('language')}
          </a>
          <ActionForm endpoint="/console/api/sign-out" submit={t('signOut')} after="navigate" navigateTo="/console/sign-in" texts={{ errors }} className="inline" />
          <ActionForm endpoint="/console/api/sign-out" submit={t('signOutEverywhere')} after="navigate" navigateTo="/console/sign-in" texts={{ errors }} className="inline">
            <input type="hidden" name="everywhere" value="true" />
          </ActionForm>
        </div>
      </div>
    </header>
  );
}
