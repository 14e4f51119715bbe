import { consoleRoute } from '../../../../lib/console/http';
import { analyticsReport } from '../../../../lib/analytics/report';
import { periodOf } from '../../../../lib/analytics/period';
import { getScene } from '../../../../lib/store/scenes';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The analytics report as JSON (same numbers as the page): ?biz=&from=YYYY-MM-DD&to=YYYY-MM-DD. */
export const GET = consoleRoute('viewAnalytics', async (ctx, _s, request) => {
  const p = periodOf(Object.fromEntries(new URL(request.url).searchParams));
  return analyticsReport(ctx.db, p, p.biz ? await getScene(ctx.db, p.biz) : null);
});
