import { ConsoleError, consoleRoute } from '../../../../../../lib/console/http';
import { recordDetail } from '../../../../../../lib/console/records';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Signed, expiring image URLs of a record: reviewers and admins only (403 for viewers). */
export const GET = consoleRoute('viewImages', async (ctx, _s, _r, params) => {
  const d = await recordDetail(ctx, params.id ?? '', true);
  if (!d) throw new ConsoleError('NOT_FOUND', 404);
  return { images: d.images };
});
