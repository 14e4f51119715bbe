import { consoleRoute, readJson } from '../../../../lib/console/http';
import { createKey, keyCreateSchema, listKeys } from '../../../../lib/console/keys';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = consoleRoute('manageKeys', async (ctx) => ({ keys: await listKeys(ctx.db) }));

/** A new AccessKey: the answer carries the secret, the only time it is shown. */
export const POST = consoleRoute('manageKeys', async (ctx, session, request) => {
  const p = keyCreateSchema.parse(await readJson(request));
  return { ok: true, ...(await createKey(ctx, p.description || undefined, session.operator.username)) };
});
