import crypto from 'node:crypto';
import type { Db } from '../store/database';
import { getScene, LIVENESS_ACTIONS, upsertScene, type LivenessAction, type Scene, type SceneSettings } from '../store/scenes';

export interface PolicyOverrides {
  actionCount: number;
  timeoutSeconds: number;
  securityLevel: 1 | 2 | 3 | 4;
  /** Replaces the base scene's challenge list (2019 `Model`); absent = the base scene's own. */
  actions?: LivenessAction[];
}

export type PolicySceneResult = { ok: true; scene: Scene } | { ok: false; reason: 'SCENE_UNAVAILABLE' | 'TOO_FEW_ACTIONS' };

/**
 * Protocols whose requests carry their own policy (FaceID's liveness_action_count,
 * liveness_timeout, security_level) get a scene of their own: the base scene with those three
 * values replaced, under a derived, deterministic name (`<base>:p-c3-l2-t60`). The core keeps
 * reading every policy from a scene, so the H5 attempt, the challenge draw and the decision are
 * unchanged; everything else (actions, maxAttempts, redirectOrigins, livenessThreshold) follows
 * the base scene and is re-synchronised on every request.
 */
export async function policyScene(db: Db, baseBiz: string, o: PolicyOverrides): Promise<PolicySceneResult> {
  const base = await getScene(db, baseBiz);
  if (!base || !base.enabled) return { ok: false, reason: 'SCENE_UNAVAILABLE' };
  const actions = o.actions ?? base.settings.liveness.actions;
  if (new Set(actions).size < o.actionCount) return { ok: false, reason: 'TOO_FEW_ACTIONS' };
  // The SceneId names the base scene only (it is unique); everything else follows the base.
  const { sceneId: _sceneId, ...inherited } = base.settings;
  void _sceneId;
  const settings: SceneSettings = {
    ...inherited,
    liveness: { ...base.settings.liveness, actions, count: o.actionCount, timeoutSeconds: o.timeoutSeconds },
    securityLevel: o.securityLevel,
  };
  const biz = derivedName(baseBiz, o);
  const existing = await getScene(db, biz);
  if (existing && existing.enabled && existing.scheme === base.scheme && JSON.stringify(existing.settings) === JSON.stringify(settings)) return { ok: true, scene: existing };
  return { ok: true, scene: await upsertScene(db, { biz, scheme: base.scheme as 'RPH5BioOnly', enabled: true, ...settings }) };
}

function derivedName(baseBiz: string, o: PolicyOverrides): string {
  const suffix = `:p-c${o.actionCount}-l${o.securityLevel}-t${o.timeoutSeconds}${o.actions ? `-a${[...new Set(o.actions.map((a) => LIVENESS_ACTIONS.indexOf(a)))].sort().join('')}` : ''}`;
  // Scene names are at most 64 characters: a long base name is shortened with a digest.
  const head = baseBiz.length + suffix.length <= 64 ? baseBiz : `${baseBiz.slice(0, 64 - suffix.length - 9)}.${crypto.createHash('sha256').update(baseBiz).digest('hex').slice(0, 8)}`;
  return head + suffix;
}
