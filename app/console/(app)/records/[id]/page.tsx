import { notFound } from 'next/navigation';
import { can } from '../../../../../lib/console/operators';
import { consolePage, fmtTime } from '../../../../../lib/console/page';
import { recordDetail } from '../../../../../lib/console/records';
import { errorTexts } from '../../../../../lib/console/messages';
import { ActionForm } from '../../../_components/action-form';
import { Forbidden, inputCls, Json, labelCls, Section, StatusBadge } from '../../../_components/ui';

export const dynamic = 'force-dynamic';

export default async function RecordPage({ params }: { params: Promise<{ id: string }> }) {
  const { ctx, t, locale, allowed, session } = await consolePage('viewRecords');
  if (!allowed) return <Forbidden t={t} />;
  const role = session.operator.role;
  const d = await recordDetail(ctx, (await params).id, can(role, 'viewImages'));
  if (!d) notFound();
  const errors = errorTexts(t);
  const me = session.operator.username;
  const review = d.review;
  return (
    <>
      <h1 className="text-2xl font-semibold">
        {t('record')} <span className="font-mono">{d.task.ticketId}</span>
      </h1>
      <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-4" data-testid="record-summary">
        <dt className="text-slate-700">{t('scene')}</dt>
        <dd>{d.task.biz}</dd>
        <dt className="text-slate-700">{t('status')}</dt>
        <dd data-status-code={d.task.statusCode}>
          <StatusBadge code={d.task.statusCode} review={review?.state} t={t} />
        </dd>
        <dt className="text-slate-700">{t('score')}</dt>
        <dd>{d.task.similarityScore ?? '—'}</dd>
        <dt className="text-slate-700">{t('reason')}</dt>
        <dd className="font-mono text-xs">{d.task.reason ?? '—'}</dd>
        <dt className="text-slate-700">{t('attempts')}</dt>
        <dd>{d.task.attempts}</dd>
        <dt className="text-slate-700">{t('created')}</dt>
        <dd>{fmtTime(d.task.createdAt, locale)}</dd>
        <dt className="text-slate-700">Name / ID</dt>
        <dd>
          {d.identity.name ?? '—'} · {d.identity.identificationNumber ?? '—'}
        </dd>
      </dl>

      {review && (
        <Section title={t('review')} id="review">
          <p className="text-sm" data-review-state={review.state}>
            {t('machineResult')}: {review.machine_passed ? t('status.1') : t('status.2')} {review.machine_reason ? `(${review.machine_reason})` : ''} · {t('score')} {review.machine_score ?? '—'} · {t('status')}: {review.state}
            {review.decided_by ? ` · ${review.decided_by} ${fmtTime(review.decided_at, locale)}: ${review.decision_reason ?? ''}` : ''}
          </p>
          {review.state === 'pending' && can(role, 'review') && (
            <div className="mt-3 space-y-3">
              {review.claimed_by && review.claimed_by !== me && (
                <p className="text-sm text-amber-900">
                  {t('heldBy')}: {review.claimed_by}
                </p>
              )}
              {review.claimed_by !== me ? (
                <ActionForm endpoint={`/console/api/reviews/${d.task.id}/claim`} submit={t('take')} texts={{ errors }} testId="claim" />
              ) : (
                <ActionForm endpoint={`/console/api/reviews/${d.task.id}/decide`} submit={t('save')} texts={{ errors }} testId="decide">
                  <fieldset>
                    <legend className={labelCls}>{t('decision')}</legend>
                    <label className="mr-4 text-sm">
                      <input type="radio" name="verdict" value="approve" defaultChecked /> {t('approve')}
                    </label>
                    <label className="text-sm">
                      <input type="radio" name="verdict" value="reject" /> {t('reject')}
                    </label>
                  </fieldset>
                  <label className={labelCls}>
                    {t('decisionReason')}
                    <textarea name="reason" required minLength={3} className={inputCls} rows={2} />
                  </label>
                </ActionForm>
              )}
            </div>
          )}
        </Section>
      )}

      <Section title={t('images')} id="images">
        {!can(role, 'viewImages') ? (
          <p className="text-sm text-slate-700">{t('imagesHidden')}</p>
        ) : d.images.length === 0 ? (
          <p className="text-sm text-slate-700">{t('noImages')}</p>
        ) : (
          <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4">
            {d.images.map((im) => (
              <li key={im.id} className="text-xs">
                {/* eslint-disable-next-line @next/next/no-img-element -- signed, expiring, no-store URLs: never through the image optimiser's cache */}
                <img src={im.url!} alt={im.kind} referrerPolicy="no-referrer" className="aspect-[3/4] w-full rounded border border-slate-200 object-cover" data-kind={im.kind} />
                <span>{im.kind}</span>
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title={t('attemptsTitle')} id="attempts">
        {d.attempts.length === 0 && <p className="text-sm">—</p>}
        {d.attempts.map((a) => (
          <article key={a.id} className="mb-4 border-b border-slate-100 pb-3 text-sm last:border-0" data-attempt={a.seq}>
            <h3 className="font-medium">
              #{a.seq} · {a.state} {a.reason ? `· ${a.reason}` : ''} · {fmtTime(a.createdAt, locale)}
            </h3>
            <p>
              {t('challenges')}: {a.challenges.join(', ') || '—'}
            </p>
            <p>
              {t('evidenceFrames')}: {a.evidence.map((e) => `#${e.idx} ${e.role}${e.action ? `(${e.action})` : ''} ${Math.round(e.size / 1024)} KB${e.stored ? '' : ' ✕'}`).join(' · ') || '—'}
            </p>
            <h4 className="mt-2 font-medium">{t('measurements')}</h4>
            {a.signals.length ? a.signals.map((s, i) => <Json key={i} value={{ [s.event]: s.detail }} />) : <p>—</p>}
          </article>
        ))}
      </Section>

      <Section title={t('flowEvents')} id="flow">
        <ol className="list-decimal pl-5 text-sm">
          {d.flow.map((f, i) => (
            <li key={i}>
              {f.step}
              {f.code ? ` (${f.code})` : ''}
              {f.ms !== null ? ` · ${Math.round(f.ms)} ms` : ''} · {f.browser}
              {f.in_app ? ` · ${t('inApp')}` : ''}
            </li>
          ))}
        </ol>
      </Section>

      <Section title={t('statusHistory')} id="audit">
        <div className="relative overflow-x-auto">
        <table className="w-full text-left text-xs">
          <thead>
            <tr>
              <th scope="col" className="py-1 pr-2">{t('created')}</th>
              <th scope="col" className="py-1 pr-2">actor</th>
              <th scope="col" className="py-1 pr-2">event</th>
              <th scope="col" className="py-1">detail</th>
            </tr>
          </thead>
          <tbody>
            {d.audit.map((e) => (
              <tr key={e.id} className="border-t border-slate-100 align-top" data-event={e.event}>
                <td className="py-1 pr-2 whitespace-nowrap">{fmtTime(e.at, locale)}</td>
                <td className="py-1 pr-2 font-mono break-all">{e.actor}</td>
                <td className="py-1 pr-2 font-mono">{e.event}</td>
                <td className="py-1 font-mono break-all">{e.detail ? JSON.stringify(e.detail) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      </Section>

      {can(role, 'erase') && (
        <Section title={t('erase')} id="erase">
          <p className="mb-2 text-sm">{t('eraseHelp')}</p>
          <ActionForm endpoint={`/console/api/records/${d.task.id}/erase`} submit={t('erase')} danger texts={{ errors }} testId="erase">
            <label className={labelCls}>
              {t('confirm')}
              <input name="confirm" className={inputCls} autoComplete="off" />
            </label>
          </ActionForm>
        </Section>
      )}
    </>
  );
}
