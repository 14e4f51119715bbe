import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getAppContext } from '../../lib/context';
import { demoKey } from '../../lib/console/demo';
import { consoleLocale } from '../../lib/console/locale';
import { DemoFlow } from './demo-flow';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Demo · Open Cloudauth', robots: { index: false, follow: false } };

/** /demo plays the partner on the demo scene (CLOUDAUTH_DEMO_PAGE=0 turns it off). */
export default async function DemoPage() {
  const ctx = await getAppContext();
  if (!(await demoKey(ctx))) notFound();
  const locale = await consoleLocale();
  return <DemoFlow locale={locale} />;
}
