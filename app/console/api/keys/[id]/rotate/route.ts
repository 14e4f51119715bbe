import { ConsoleError, consoleRoute } from '../../../../../../lib/console/http';
import { rotateKey } from '../../../../../../lib/console/keys';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** New key (secret shown once); the old one stays valid for the grace period. */
export const POST = consoleRoute('manageKeys', async (ctx, session, _r, params) => {
  const r = await rotateKey(ctx, params.id ?? '', session.operator.username);
  if (!r) throw new ConsoleError('NOT_FOUND', 404);
  return { ok: true, ...r };
});
