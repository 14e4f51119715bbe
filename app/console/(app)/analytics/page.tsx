import { analyticsReport } from '../../../../lib/analytics/report';
import { periodOf } from '../../../../lib/analytics/period';
import { consolePage } from '../../../../lib/console/page';
import type { T } from '../../../../lib/console/messages';
import { getScene, listScenes } from '../../../../lib/store/scenes';
import { Chart } from '../../_components/chart';
import { Forbidden, inputCls, labelCls, Section } from '../../_components/ui';

export const dynamic = 'force-dynamic';

function Table({ head, rows, testId }: { head: string[]; rows: (string | number | null)[][]; testId: string }) {
  return (
    <table className="mt-2 w-full text-left text-sm" data-testid={testId}>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} scope="col" className="border-b border-slate-200 py-1 pr-2">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i} className="border-b border-slate-100">
            {r.map((c, j) => (
              <td key={j} className="py-1 pr-2" data-cell={`${i}-${j}`}>
                {c ?? '—'}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const binOf = (bins: { from: number; to: number }[], x: number | null) => (x === null ? undefined : Math.max(0, bins.findIndex((b) => x >= b.from && x < b.to)));

export default async function AnalyticsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { ctx, t, allowed } = await consolePage('viewAnalytics');
  if (!allowed) return <Forbidden t={t} />;
  const p = periodOf(await searchParams);
  const scenes = await listScenes(ctx.db);
  const scene = p.biz ? await getScene(ctx.db, p.biz) : null;
  const r = await analyticsReport(ctx.db, p, scene);
  const empty = (n: number) => (n === 0 ? <p className="text-sm text-slate-700">{t('noData')}</p> : null);
  const mark = (label: string, bins: { from: number; to: number }[], x: number | null, tt: T) => (x === null ? undefined : { index: binOf(bins, x)!, label: `${tt('threshold')} ${x}` });
  return (
    <>
      <h1 className="text-2xl font-semibold">{t('analytics')}</h1>
      <form method="GET" className="mt-4 grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-4">
        <label className={labelCls}>
          {t('scene')}
          <select name="biz" defaultValue={p.biz ?? ''} className={inputCls}>
            <option value="">{t('allScenes')}</option>
            {scenes.map((s) => (
              <option key={s.biz}>{s.biz}</option>
            ))}
          </select>
        </label>
        <label className={labelCls}>
          {t('from')}
          <input type="date" name="from" defaultValue={p.fromDay} className={inputCls} />
        </label>
        <label className={labelCls}>
          {t('to')}
          <input type="date" name="to" defaultValue={p.toDay} className={inputCls} />
        </label>
        <div className="flex items-end">
          <button type="submit" className="w-full rounded-md bg-slate-800 px-3 py-2 text-sm font-medium text-white">
            {t('show')}
          </button>
        </div>
      </form>
      <div className="grid gap-x-6 lg:grid-cols-2">
        <Section title={t('funnel')} id="funnel">
          <Chart id="chart-funnel" title={t('funnel')} spec={{ kind: 'bar', labels: r.funnel.map((f) => f.step), series: [{ name: t('reached'), values: r.funnel.map((f) => f.reached) }] }} />
          <Table testId="funnel" head={[t('step'), t('reached'), t('dropOff')]} rows={r.funnel.map((f) => [f.step, f.reached, f.dropOff])} />
        </Section>
        <Section title={t('passRate')} id="pass-rate">
          {empty(r.passRate.length)}
          {r.passRate.length > 0 && <Chart id="chart-pass-rate" title={t('passRate')} spec={{ kind: 'line', labels: r.passRate.map((d) => d.day), series: [{ name: '%', values: r.passRate.map((d) => d.rate) }], yMax: 100 }} />}
          <Table testId="pass-rate" head={[t('day'), t('decided'), t('passed'), '%']} rows={r.passRate.map((d) => [d.day, d.decided, d.passed, d.rate])} />
        </Section>
        <Section title={t('failureReasons')} id="reasons">
          {empty(r.failureReasons.length)}
          {r.failureReasons.length > 0 && <Chart id="chart-reasons" title={t('failureReasons')} spec={{ kind: 'bar', labels: r.failureReasons.map((f) => f.reason), series: [{ name: t('reason'), values: r.failureReasons.map((f) => f.count) }] }} />}
          <Table testId="reasons" head={[t('reason'), '#']} rows={r.failureReasons.map((f) => [f.reason, f.count])} />
        </Section>
        <Section title={t('similarityDist')} id="similarity">
          <Chart id="chart-similarity" title={t('similarityDist')} spec={{ kind: 'bar', labels: r.similarity.bins.map((b) => `${b.from}–${b.to}`), series: [{ name: '#', values: r.similarity.bins.map((b) => b.count) }], markAt: mark('', r.similarity.bins, r.similarity.threshold, t) }} />
          <p className="text-sm" data-testid="similarity-threshold">
            {t('threshold')}: {r.similarity.threshold ?? '—'} · n = {r.similarity.n}
          </p>
        </Section>
        <Section title={t('livenessDist')} id="liveness">
          <Chart id="chart-liveness" title={t('livenessDist')} spec={{ kind: 'bar', labels: r.liveness.bins.map((b) => `${b.from}–${b.to}`), series: [{ name: '#', values: r.liveness.bins.map((b) => b.count) }], markAt: mark('', r.liveness.bins, r.liveness.threshold, t) }} />
          <p className="text-sm" data-testid="liveness-threshold">
            {t('threshold')}: {r.liveness.threshold} · n = {r.liveness.n}
          </p>
        </Section>
        <Section title={t('stepTimes')} id="step-times">
          {empty(r.stepTimes.length)}
          {r.stepTimes.length > 0 && <Chart id="chart-step-times" title={t('stepTimes')} spec={{ kind: 'bar', labels: r.stepTimes.map((s) => s.step), series: [{ name: 'p50', values: r.stepTimes.map((s) => s.p50 ?? 0) }, { name: 'p95', values: r.stepTimes.map((s) => s.p95 ?? 0) }] }} />}
          <Table testId="step-times" head={[t('step'), 'n', 'p50', 'p95']} rows={r.stepTimes.map((s) => [s.step, s.n, s.p50, s.p95])} />
        </Section>
        <Section title={t('browsers')} id="browsers">
          {empty(r.browsers.length)}
          <Table testId="browsers" head={[t('browser'), t('inApp'), '#']} rows={r.browsers.map((b) => [b.browser, b.inApp ? '✓' : '', b.verifications])} />
        </Section>
      </div>
    </>
  );
}
