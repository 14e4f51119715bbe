import { z } from 'zod';
import { consoleRoute, readJson, sessionCookie } from '../../../../lib/console/http';
import { endAllSessions, endSession } from '../../../../lib/console/sessions';
import { recordAudit } from '../../../../lib/store/audit';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const body = z.object({ everywhere: z.union([z.boolean(), z.enum(['true'])]).optional() }).strict();

/** Sign out this session, or every session of this operator ("sign out everywhere"). */
export const POST = consoleRoute('viewRecords', async (ctx, session, request) => {
  const p = body.parse(await readJson(request, 1024));
  const ended = p.everywhere === true || p.everywhere === 'true' ? await endAllSessions(ctx.db, session.operator.id) : (await endSession(ctx.db, session.idHash), 1);
  await recordAudit(ctx.db, { actor: `operator:${session.operator.username}`, event: ended !== 1 || p.everywhere ? 'console.signed_out_everywhere' : 'console.signed_out', detail: { sessions: ended } });
  return new Response(JSON.stringify({ ok: true, sessions: ended }), { headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'set-cookie': sessionCookie('', ctx.config.publicUrl, 0) } });
});
