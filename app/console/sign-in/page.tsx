import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getAppContext } from '../../../lib/context';
import { currentSession } from '../../../lib/console/http';
import { consoleLocale } from '../../../lib/console/locale';
import { consoleSettings } from '../../../lib/console/settings';
import { errorTexts, translator } from '../../../lib/console/messages';
import { ActionForm } from '../_components/action-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in · Open Cloudauth console', robots: { index: false, follow: false } };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await getAppContext();
  if (await currentSession(ctx)) redirect('/console/records');
  const locale = await consoleLocale();
  const t = translator(locale);
  const oidc = consoleSettings().oidc;
  const error = (await searchParams).error;
  const oidcError = typeof error === 'string' && error.startsWith('OIDC_') ? t(error) : null;
  return (
    <main id="main" lang={locale} className="mx-auto flex min-h-dvh max-w-sm flex-col justify-center px-5 py-10">
      <h1 className="mb-6 text-2xl font-semibold">{t('signInTitle')}</h1>
      {oidcError && (
        <p role="alert" data-error="oidc" className="mb-4 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800">
          {oidcError}
        </p>
      )}
      {oidc && (
        <>
          {/* A plain link: the start route answers with a redirect to the identity provider. */}
          <a href="/console/api/oidc/start" data-testid="oidc-sign-in" className="mb-2 block rounded-md bg-slate-900 px-4 py-2 text-center font-medium text-white">
            {t('signInWith')} {oidc.label}
          </a>
          <p className="mb-4 text-center text-sm text-slate-600">{t('orPassword')}</p>
        </>
      )}
      <ActionForm endpoint="/console/api/session" submit={t('signIn')} after="navigate" navigateTo="/console/records" texts={{ errors: errorTexts(t) }} testId="sign-in">
        <label className="block text-sm font-medium">
          {t('username')}
          <input name="username" autoComplete="username" required className="mt-1 block w-full rounded-md border border-slate-400 px-3 py-2" />
        </label>
        <label className="block text-sm font-medium">
          {t('password')}
          <input name="password" type="password" autoComplete="current-password" required className="mt-1 block w-full rounded-md border border-slate-400 px-3 py-2" />
        </label>
      </ActionForm>
      <p className="mt-6 text-sm">
        <a href="/console/api/lang" className="underline">
          {t('language')}
        </a>
      </p>
    </main>
  );
}
