import { z } from 'zod';
import { ConsoleError, consoleRoute, readJson } from '../../../../../../lib/console/http';
import { setSceneEnabled } from '../../../../../../lib/store/scenes';
import { recordAudit } from '../../../../../../lib/store/audit';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const body = z.object({ enabled: z.union([z.boolean(), z.enum(['true', 'false'])]) }).strict();

export const POST = consoleRoute('manageScenes', async (ctx, session, request, params) => {
  const p = body.parse(await readJson(request));
  const enabled = p.enabled === true || p.enabled === 'true';
  const biz = decodeURIComponent(params.biz ?? '');
  if (!(await setSceneEnabled(ctx.db, biz, enabled))) throw new ConsoleError('NOT_FOUND', 404);
  await recordAudit(ctx.db, { actor: `operator:${session.operator.username}`, event: enabled ? 'scene.enabled' : 'scene.disabled', detail: { biz } });
  return { ok: true, enabled };
});
