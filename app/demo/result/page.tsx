import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getAppContext } from '../../../lib/context';
import { callApi, demoKey } from '../../../lib/console/demo';
import { consoleLocale } from '../../../lib/console/locale';
import { DEMO_BIZ } from '../../../lib/provisioning';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Demo result · Open Cloudauth', robots: { index: false, follow: false } };

/** What the partner's server receives: GetStatus and GetMaterials for the demo ticket, via the real API. */
export default async function DemoResult({ searchParams }: { searchParams: Promise<{ ticket?: string }> }) {
  const ctx = await getAppContext();
  const key = await demoKey(ctx);
  const ticket = (await searchParams).ticket ?? '';
  if (!key || !/^demo-[0-9a-f]{24}$/.test(ticket)) notFound();
  const locale = await consoleLocale();
  const en = locale === 'en';
  const status = await callApi(ctx, key, 'GetStatus', { Biz: DEMO_BIZ, TicketId: ticket });
  const materials = await callApi(ctx, key, 'GetMaterials', { Biz: DEMO_BIZ, TicketId: ticket });
  const code = status.Data?.StatusCode as number | undefined;
  const face = materials.Data?.FacePic as string | undefined;
  return (
    <main lang={locale} className="mx-auto max-w-2xl px-5 py-8" data-demo-result data-status-code={code}>
      <h1 className="text-2xl font-semibold">{en ? 'What the partner receives' : '合作方收到的结果'}</h1>
      <p className="mt-2 text-lg" data-testid="demo-verdict">
        {code === 1 ? (en ? 'Passed (StatusCode 1)' : '认证通过（StatusCode 1）') : code === 2 ? (en ? 'Failed (StatusCode 2)' : '认证未通过（StatusCode 2）') : en ? `StatusCode ${code}` : `StatusCode ${code}`}
      </p>
      <h2 className="mt-6 font-semibold">GetStatus</h2>
      <pre tabIndex={0} className="mt-1 overflow-x-auto rounded bg-slate-100 p-3 text-xs" data-testid="demo-getstatus">{JSON.stringify(status, null, 2)}</pre>
      <h2 className="mt-6 font-semibold">GetMaterials</h2>
      <pre tabIndex={0} className="mt-1 overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-100 p-3 text-xs">{JSON.stringify(materials, null, 2)}</pre>
      {face && (
        // eslint-disable-next-line @next/next/no-img-element -- a signed, expiring, no-store URL
        <img src={face} alt="FacePic" referrerPolicy="no-referrer" className="mt-4 w-48 rounded-lg border border-slate-300" />
      )}
      <p className="mt-6">
        <a href="/demo" className="underline">
          {en ? 'Try again' : '再试一次'}
        </a>
      </p>
    </main>
  );
}
