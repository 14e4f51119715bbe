import type { AppContext } from '../context';
import { readProvisioningFile } from '../provisioning';
import { recordAudit } from '../store/audit';
import { getScene, sceneInputSchema, upsertScene, type Scene } from '../store/scenes';

/**
 * Create or edit a scene from the console with the provisioning file's own schema
 * (sceneInputSchema: one schema, two entry points). Every change is audited with the operator.
 */
export async function saveScene(ctx: AppContext, body: unknown, operator: string): Promise<Scene> {
  let input = sceneInputSchema.parse(body);
  const before = await getScene(ctx.db, input.biz);
  // The console form has no AccessKey list: editing a scene must not silently widen who may use it.
  if (before?.settings.accessKeys && !Object.hasOwn(body as object, 'accessKeys')) input = { ...input, accessKeys: before.settings.accessKeys };
  const scene = await upsertScene(ctx.db, input);
  const changed = before ? Object.keys({ ...before.settings, ...scene.settings }).filter((k) => JSON.stringify((before.settings as Record<string, unknown>)[k]) !== JSON.stringify((scene.settings as Record<string, unknown>)[k])) : [];
  if (before && before.scheme !== scene.scheme) changed.push('scheme');
  if (before && before.enabled !== scene.enabled) changed.push('enabled');
  await recordAudit(ctx.db, { actor: `operator:${operator}`, event: before ? 'scene.updated' : 'scene.created', detail: { biz: scene.biz, changed } });
  return scene;
}

/** Scenes the provisioning file lists: it resets them at every start (the UI says so). */
export function provisionedScenes(ctx: AppContext): Set<string> {
  if (!ctx.config.provisionFile) return new Set();
  try {
    return new Set(readProvisioningFile(ctx.config.provisionFile).scenes.map((s) => s.biz));
  } catch {
    return new Set();
  }
}
