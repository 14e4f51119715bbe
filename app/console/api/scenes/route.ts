import { consoleRoute, readJson } from '../../../../lib/console/http';
import { saveScene } from '../../../../lib/console/scenes';
import { listScenes } from '../../../../lib/store/scenes';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = consoleRoute('manageScenes', async (ctx) => ({ scenes: await listScenes(ctx.db) }));

/** Create or update a scene, validated by the provisioning file's own schema. */
export const POST = consoleRoute('manageScenes', async (ctx, session, request) => ({ ok: true, scene: await saveScene(ctx, await readJson(request), session.operator.username) }));
