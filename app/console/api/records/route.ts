import { consoleRoute } from '../../../../lib/console/http';
import { parseFilter, searchRecords } from '../../../../lib/console/records';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Records search (every role): ticket, scene, status (or "review"), reason, from/to (YYYY-MM-DD), after (cursor). */
export const GET = consoleRoute('viewRecords', async (ctx, _s, request) => searchRecords(ctx.db, parseFilter(Object.fromEntries(new URL(request.url).searchParams))));
