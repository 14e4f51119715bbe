import { consoleRoute, readJson } from '../../../../lib/console/http';
import { createOperator, listOperators } from '../../../../lib/console/operators';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = consoleRoute('manageOperators', async (ctx) => ({ operators: await listOperators(ctx.db) }));

/** A new operator; a generated password is answered once. */
export const POST = consoleRoute('manageOperators', async (ctx, session, request) => {
  const body = await readJson(request);
  if (body.password === '') delete body.password;
  const { operator, password } = await createOperator(ctx.db, body as never, `operator:${session.operator.username}`);
  return { ok: true, username: operator.username, role: operator.role, ...(body.password ? {} : { password }) };
});
