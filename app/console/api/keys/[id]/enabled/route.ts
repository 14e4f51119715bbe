import { z } from 'zod';
import { ConsoleError, consoleRoute, readJson } from '../../../../../../lib/console/http';
import { setKeyEnabled } from '../../../../../../lib/console/keys';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const body = z.object({ enabled: z.union([z.boolean(), z.enum(['true', 'false'])]) }).strict();

export const POST = consoleRoute('manageKeys', async (ctx, session, request, params) => {
  const p = body.parse(await readJson(request));
  const enabled = p.enabled === true || p.enabled === 'true';
  const r = await setKeyEnabled(ctx, params.id ?? '', enabled, session.operator.username);
  if (r === 'not_found') throw new ConsoleError('NOT_FOUND', 404);
  if (r === 'expired') throw new ConsoleError('KEY_EXPIRED', 409);
  return { ok: true, enabled };
});
