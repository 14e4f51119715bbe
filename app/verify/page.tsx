import { headers } from 'next/headers';
import type { Metadata } from 'next';
import { getAppContext } from '../../lib/context';
import { CATALOGUES, reasonMessage } from '../../lib/i18n/messages';
import { pickLocale, type Locale } from '../../lib/i18n/locale';
import { getScene } from '../../lib/store/scenes';
import { allowedRedirect } from '../../lib/verification/h5/redirect';
import { awaitingReview } from '../../lib/verification/review';
import { resolveToken, type ResolvedToken } from '../../lib/verification/tokens';
import { TOKEN_MESSAGES } from './token-messages';
import { VerifyFlow, WayOut } from './verify-flow';

export const dynamic = 'force-dynamic';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Locale, token and the scene's display name, once per request (metadata and page both need them). */
async function load(searchParams: SearchParams): Promise<{ locale: Locale; token: string; resolved: ResolvedToken; displayName?: string; redirectOrigins: readonly string[]; inReview: boolean }> {
  const sp = await searchParams;
  const locale = pickLocale(one(sp.lang), (await headers()).get('accept-language'));
  const ctx = await getAppContext();
  const token = one(sp.token) ?? '';
  const resolved = await resolveToken(ctx.db, token);
  // Who asks is named only to someone holding a live link for it (an unknown token learns nothing).
  const scene = resolved.task && resolved.state !== 'unknown' ? await getScene(ctx.db, resolved.task.biz) : null;
  // A used link whose outcome a reviewer still has to confirm (the task is back at StatusCode 0).
  const inReview = resolved.state === 'decided' && resolved.task?.status_code === 0 ? await awaitingReview(ctx.db, resolved.task.id) : false;
  return { locale, token, resolved, displayName: scene?.settings.displayName, redirectOrigins: scene?.settings.redirectOrigins ?? [], inReview };
}

// The page URL carries a bearer token: never send it onwards, never let it be indexed. The tab
// title is in the page's language and names who asks (the scene's displayName).
export async function generateMetadata({ searchParams }: { searchParams: SearchParams }): Promise<Metadata> {
  const { locale, displayName } = await load(searchParams);
  return { title: CATALOGUES[locale].pageTitle(displayName), referrer: 'no-referrer', robots: { index: false, follow: false } };
}

export default async function VerifyPage({ searchParams }: { searchParams: SearchParams }) {
  const { locale, token, resolved, displayName, redirectOrigins, inReview } = await load(searchParams);
  const { state } = resolved;
  if (state === 'valid') {
    return (
      <div data-token-state="valid">
        <VerifyFlow token={token} locale={locale} successRedirect={one((await searchParams).successRedirect)} failRedirect={one((await searchParams).failRedirect)} displayName={displayName} />
      </div>
    );
  }
  // A decided ticket says plainly whether it passed or failed (and why), not just "finished";
  // one a reviewer still has to confirm says so (it has neither passed nor failed yet).
  const decided = state === 'decided' && resolved.task ? (inReview ? 'review' : resolved.task.status_code === 1 ? 'passed' : 'failed') : null;
  const msg = decided ? CATALOGUES[locale].finished[decided] : TOKEN_MESSAGES[locale][state];
  const why = decided === 'failed' ? reasonMessage(CATALOGUES[locale], resolved.task?.audit_conclusions) : '';
  // No dead end: the partner's page for this outcome (its success page for a passed ticket, its
  // failure page otherwise) when the scene lists its origin — the check an attempt's redirects
  // get — else "go back". An unknown token has no scene, so only "go back".
  const sp = await searchParams;
  // Under review neither of the partner's outcome pages is true yet: "go back" only.
  const redirectUrl = decided === 'review' ? null : allowedRedirect(one(decided === 'passed' ? sp.successRedirect : sp.failRedirect), redirectOrigins);
  const { continueTo, backToApp, closeHint } = CATALOGUES[locale].ui;
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center p-6" lang={locale} data-flow-state="token">
      <div className="rounded-2xl bg-white p-6 shadow-sm">
        <div role="status" aria-live="polite" data-token-state={state} data-decided={decided ?? undefined}>
          <h1 className="text-xl font-semibold">{msg.title}</h1>
          {why && <p className="mt-3 text-slate-800">{why}</p>}
          <p className="mt-3 text-slate-700">{msg.body}</p>
        </div>
        <WayOut redirectUrl={redirectUrl} ui={{ continueTo, backToApp, closeHint }} />
      </div>
    </main>
  );
}
