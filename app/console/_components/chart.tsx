'use client';
// One ECharts chart (bar or line, optional threshold line). ECharts is the usual charting
// library of Chinese operations consoles; only the modules used here are bundled (echarts/core),
// and it is imported only by the console's analytics page, never by the verify page.
import { useEffect, useRef } from 'react';

export interface ChartSpec {
  kind: 'bar' | 'line';
  labels: string[];
  series: { name: string; values: number[] }[];
  /** A vertical marker at this category index (e.g. the bin holding the threshold). */
  markAt?: { index: number; label: string };
  yMax?: number;
}

export function Chart({ id, title, spec }: { id: string; title: string; spec: ChartSpec }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let disposed = false;
    let chart: { dispose(): void; resize(): void } | null = null;
    const onResize = () => chart?.resize();
    void (async () => {
      const [core, charts, components, renderers] = await Promise.all([import('echarts/core'), import('echarts/charts'), import('echarts/components'), import('echarts/renderers')]);
      core.use([charts.BarChart, charts.LineChart, components.GridComponent, components.TooltipComponent, components.LegendComponent, components.MarkLineComponent, renderers.SVGRenderer]);
      if (disposed || !el.current) return;
      const c = core.init(el.current, undefined, { renderer: 'svg' });
      chart = c;
      c.setOption({
        animation: false,
        grid: { left: 40, right: 16, top: 28, bottom: 48, containLabel: true },
        tooltip: { trigger: 'axis' },
        legend: spec.series.length > 1 ? { top: 0 } : undefined,
        xAxis: { type: 'category', data: spec.labels, axisLabel: { rotate: spec.labels.length > 6 ? 30 : 0 } },
        yAxis: { type: 'value', max: spec.yMax },
        series: spec.series.map((s, i) => ({
          name: s.name,
          type: spec.kind,
          data: s.values,
          ...(i === 0 && spec.markAt ? { markLine: { symbol: 'none', label: { formatter: spec.markAt.label }, lineStyle: { color: '#b91c1c', type: 'dashed' }, data: [{ xAxis: spec.markAt.index }] } } : {}),
        })),
      });
      window.addEventListener('resize', onResize);
      el.current.dataset.rendered = '1';
    })();
    return () => {
      disposed = true;
      window.removeEventListener('resize', onResize);
      chart?.dispose();
    };
  }, [spec]);
  // The numbers are also in the table next to each chart (screen readers, tests).
  return <div ref={el} id={id} role="img" aria-label={title} data-chart={id} data-values={JSON.stringify(spec.series.map((s) => s.values))} className="h-64 w-full" />;
}
