import { z } from 'zod';
import { ConsoleError, consoleRoute, readJson } from '../../../../../../lib/console/http';
import { eraseRecord } from '../../../../../../lib/console/records';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const body = z.object({ confirm: z.string().max(128) }).strict();

/** Data-subject erasure (admins): the ticket must be typed to confirm. */
export const POST = consoleRoute('erase', async (ctx, session, request, params) => {
  const p = body.parse(await readJson(request));
  const task = await ctx.db.selectFrom('tasks').select(['ticket_id']).where('id', '=', params.id ?? '').executeTakeFirst();
  if (!task) throw new ConsoleError('NOT_FOUND', 404);
  if (p.confirm !== task.ticket_id) throw new ConsoleError('INVALID', 400, [{ path: 'confirm', message: 'does not match the ticket' }]);
  return { ok: true, ...(await eraseRecord(ctx, params.id!, session.operator.username)) };
});
