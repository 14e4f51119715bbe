import Link from 'next/link';
import { consolePage, fmtTime } from '../../../../lib/console/page';
import { listPendingReviews } from '../../../../lib/verification/review';
import { Forbidden } from '../../_components/ui';

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
        <div className="relative mt-4 overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm" data-testid="review-queue">
            <thead className="bg-slate-100">
              <tr>
                <th scope="col" className="px-3 py-2">{t('ticket')}</th>
                <th scope="col" className="px-3 py-2">{t('scene')}</th>
                <th scope="col" className="px-3 py-2">{t('machineResult')}</th>
                <th scope="col" className="px-3 py-2">{t('score')}</th>
                <th scope="col" className="px-3 py-2">{t('heldBy')}</th>
                <th scope="col" className="px-3 py-2">{t('created')}</th>
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
