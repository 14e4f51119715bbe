import type { Db } from '../store/database';
import { getScene, type Scene } from '../store/scenes';
import { RpcError } from '../rpc/errors';

/**
 * The scene a partner call names, or the seed's error: InvalidParam.InvalidBiz for an unknown
 * scene (and, when a verification would start, a disabled one: reading old results stays
 * possible), Error.NoPermissionAccess when the scene lists the AccessKeys that may use it and the
 * caller's is not among them.
 */
export async function sceneForCaller(db: Db, biz: string, accessKeyId: string, purpose: 'start' | 'read'): Promise<Scene> {
  const scene = await getScene(db, biz);
  if (!scene || (purpose === 'start' && !scene.enabled)) throw new RpcError('InvalidParam.InvalidBiz', `Biz ${biz} does not exist or is disabled`);
  assertKeyMayUse(scene, accessKeyId);
  return scene;
}

export function assertKeyMayUse(scene: Scene, accessKeyId: string): void {
  const allowed = scene.settings.accessKeys;
  if (allowed && !allowed.includes(accessKeyId)) throw new RpcError('Error.NoPermissionAccess', `This AccessKey may not use Biz ${scene.biz}`);
}

/**
 * Schemes a server may decide from submitted materials alone. Every other scheme promises a
 * liveness check by our page (RPH5BioOnly and the SDK schemes served by it): one uploaded photo
 * must never complete them, so SubmitMaterials / SubmitVerification on them is refused.
 */
export const SERVER_SUBMISSION_SCHEMES: ReadonlySet<string> = new Set(['RPMin']);

export function assertServerSubmissionAllowed(scene: Scene): void {
  if (!SERVER_SUBMISSION_SCHEMES.has(scene.scheme)) {
    throw new RpcError('Error.NoPermissionAccess', `Biz ${scene.biz} uses scheme ${scene.scheme}, which needs the liveness check: materials can be submitted only to an RPMin scene`);
  }
}
