import Link from 'next/link';
import { consolePage, fmtTime } from '../../../../lib/console/page';
import { listPendingReviews } from '../../../../lib/verification/review';
import { DataTable, Forbidden } from '../../_components/ui';

export const dynamic = 'force-dynamic';

export default async function ReviewsPage() {
  const { ctx, t, locale, allowed } = await consolePage('review');
  if (!allowed) return <Forbidden t={t} />;
  const rows = await listPendingReviews(ctx.db);
  return (
    <>
      <h1 className="text-2xl font-semibold">{t('reviews')}</h1>
      {rows.length === 0 ? (
        <p className="mt-4">{t('pendingNone')}</p>
      ) : (
        <DataTable className="mt-4" testId="review-queue" head={[t('ticket'), t('scene'), t('machineResult'), t('score'), t('heldBy'), t('created')]}>
              {rows.map((r) => (
                <tr key={r.task_id} className="border-t border-slate-100" data-ticket={r.ticket_id}>
                  <td className="px-3 py-2">
                    <Link href={`/console/records/${r.task_id}`} className="font-mono text-blue-800 underline">
                      {r.ticket_id}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{r.biz}</td>
                  <td className="px-3 py-2">
                    {r.machine_passed ? t('status.1') : t('status.2')} <span className="font-mono text-xs">{r.machine_reason ?? ''}</span>
                  </td>
                  <td className="px-3 py-2">{r.machine_score ?? '—'}</td>
                  <td className="px-3 py-2">{r.claimed_by ?? '—'}</td>
                  <td className="px-3 py-2 whitespace-nowrap">{fmtTime(Number(r.created_at), locale)}</td>
                </tr>
              ))}
        </DataTable>
      )}
    </>
  );
}
