import { ConsoleError, consoleRoute } from '../../../../../lib/console/http';
import { can } from '../../../../../lib/console/operators';
import { recordDetail } from '../../../../../lib/console/records';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** One record; image URLs only for reviewers and admins (viewers get the same record without them). */
export const GET = consoleRoute('viewRecords', async (ctx, session, _r, params) => {
  const d = await recordDetail(ctx, params.id ?? '', can(session.operator.role, 'viewImages'));
  if (!d) throw new ConsoleError('NOT_FOUND', 404);
  return d;
});
