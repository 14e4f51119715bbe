import { z } from 'zod';
import { ConsoleError, consoleRoute, readJson } from '../../../../../lib/console/http';
import { ROLES, updateOperator } from '../../../../../lib/console/operators';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const body = z.object({ role: z.enum(ROLES).optional(), enabled: z.union([z.boolean(), z.enum(['true', 'false'])]).optional() }).strict();

/** Change a role or disable an operator (their sessions end); not oneself, so an admin always remains. */
export const POST = consoleRoute('manageOperators', async (ctx, session, request, params) => {
  const p = body.parse(await readJson(request));
  if (params.id === session.operator.id) throw new ConsoleError('FORBIDDEN', 403);
  const enabled = p.enabled === undefined ? undefined : p.enabled === true || p.enabled === 'true';
  if (!(await updateOperator(ctx.db, params.id ?? '', { role: p.role, enabled }, `operator:${session.operator.username}`))) throw new ConsoleError('NOT_FOUND', 404);
  return { ok: true };
});
