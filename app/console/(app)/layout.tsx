import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getAppContext } from '../../../lib/context';
import { currentSession } from '../../../lib/console/http';
import { consoleLocale } from '../../../lib/console/locale';
import { errorTexts, translator } from '../../../lib/console/messages';
import { ConsoleNav } from '../_components/nav';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Open Cloudauth console', robots: { index: false, follow: false } };

/** Every page below needs a session; each page (and every API route) also checks the role. */
export default async function SignedInLayout({ children }: { children: React.ReactNode }) {
  const ctx = await getAppContext();
  const session = await currentSession(ctx);
  if (!session) redirect('/console/sign-in');
  const locale = await consoleLocale();
  const t = translator(locale);
  return (
    <div lang={locale}>
      <meta name="csrf-token" content={session.csrfToken} />
      <ConsoleNav t={t} username={session.operator.username} role={session.operator.role} errors={errorTexts(t)} />
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">
        {children}
      </main>
    </div>
  );
}
