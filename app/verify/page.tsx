import { headers } from 'next/headers';
import type { Metadata } from 'next';
import { getAppContext } from '../../lib/context';
import { pickLocale } from '../../lib/i18n/locale';
import { resolveToken } from '../../lib/verification/tokens';
import { TOKEN_MESSAGES } from './token-messages';
import { VerifyFlow } from './verify-flow';

export const dynamic = 'force-dynamic';

// The page URL carries a bearer token: never send it onwards, never let it be indexed.
export const metadata: Metadata = { referrer: 'no-referrer', robots: { index: false, follow: false } };

export default async function VerifyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const locale = pickLocale(one(sp.lang), (await headers()).get('accept-language'));
  const ctx = await getAppContext();
  const token = one(sp.token) ?? '';
  const { state } = await resolveToken(ctx.db, token);
  if (state === 'valid') {
    return (
      <div data-token-state="valid">
        <VerifyFlow token={token} locale={locale} successRedirect={one(sp.successRedirect)} failRedirect={one(sp.failRedirect)} />
      </div>
    );
  }
  const msg = TOKEN_MESSAGES[locale][state];
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center p-6" lang={locale} data-flow-state="token">
      <div role="status" aria-live="polite" data-token-state={state} className="rounded-2xl bg-white p-6 shadow-sm">
        <h1 className="text-xl font-semibold">{msg.title}</h1>
        <p className="mt-3 text-slate-700">{msg.body}</p>
      </div>
    </main>
  );
}
