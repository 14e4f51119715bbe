import Link from 'next/link';
import { listScenes } from '../../../../lib/store/scenes';
import { consolePage, fmtTime } from '../../../../lib/console/page';
import { parseFilter, searchRecords } from '../../../../lib/console/records';
import { DataTable, Forbidden, inputCls, labelCls, StatusBadge } from '../../_components/ui';

export const dynamic = 'force-dynamic';

export default async function RecordsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { ctx, t, locale, allowed } = await consolePage('viewRecords');
  if (!allowed) return <Forbidden t={t} />;
  const filter = parseFilter(await searchParams);
  const [{ rows, next }, scenes] = await Promise.all([searchRecords(ctx.db, filter), listScenes(ctx.db)]);
  const { after: _after, ...rest } = filter;
  const qs = (extra: Record<string, string>) => '?' + new URLSearchParams({ ...(rest as Record<string, string>), ...extra }).toString();
  return (
    <>
      <h1 className="text-2xl font-semibold">{t('records')}</h1>
      <form method="GET" className="mt-4 grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3 lg:grid-cols-7" role="search">
        <label className={labelCls}>
          {t('ticket')}
          <input name="ticket" defaultValue={filter.ticket} className={inputCls} />
        </label>
        <label className={labelCls}>
          {t('scene')}
          <select name="biz" defaultValue={filter.biz ?? ''} className={inputCls}>
            <option value="">{t('allScenes')}</option>
            {scenes.map((s) => (
              <option key={s.biz} value={s.biz}>
                {s.biz}
              </option>
            ))}
          </select>
        </label>
        <label className={labelCls}>
          {t('status')}
          <select name="status" defaultValue={filter.status ?? ''} className={inputCls}>
            <option value="">{t('anyStatus')}</option>
            {['-1', '0', '1', '2'].map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
            <option value="review">{t('underReview')}</option>
          </select>
        </label>
        <label className={labelCls}>
          {t('reason')}
          <input name="reason" defaultValue={filter.reason} className={inputCls} placeholder="NOT_SAME_PERSON" />
        </label>
        <label className={labelCls}>
          {t('from')}
          <input type="date" name="from" defaultValue={filter.from} className={inputCls} />
        </label>
        <label className={labelCls}>
          {t('to')}
          <input type="date" name="to" defaultValue={filter.to} className={inputCls} />
        </label>
        <div className="flex items-end">
          <button type="submit" className="w-full rounded-md bg-slate-800 px-3 py-2 text-sm font-medium text-white">
            {t('search')}
          </button>
        </div>
      </form>
      <DataTable className="mt-4" testId="records" after={rows.length === 0 && <p className="p-4 text-slate-700">{t('noRecords')}</p>} head={[t('ticket'), t('scene'), t('status'), t('score'), t('reason'), t('created')]}>
            {rows.map((r) => (
              <tr key={r.id} className="border-t border-slate-100" data-ticket={r.ticketId}>
                <td className="px-3 py-2">
                  <Link href={`/console/records/${r.id}`} className="font-mono text-blue-800 underline">
                    {r.ticketId}
                  </Link>
                </td>
                <td className="px-3 py-2">{r.biz}</td>
                <td className="px-3 py-2">
                  <StatusBadge code={r.statusCode} review={r.review} t={t} />
                </td>
                <td className="px-3 py-2">{r.similarityScore ?? '—'}</td>
                <td className="px-3 py-2 font-mono text-xs">{r.reason ?? '—'}</td>
                <td className="px-3 py-2 whitespace-nowrap">{fmtTime(r.createdAt, locale)}</td>
              </tr>
            ))}
      </DataTable>
      <nav className="mt-3 flex gap-4 text-sm" aria-label={t('records')}>
        {filter.after && (
          <Link className="underline" href={qs({})}>
            {t('first')}
          </Link>
        )}
        {next && (
          <Link className="underline" href={qs({ after: next })} data-testid="next-page">
            {t('next')}
          </Link>
        )}
      </nav>
    </>
  );
}
