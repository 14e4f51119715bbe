import type { LivenessAction } from '../../store/scenes';

/**
 * InitFaceVerify `Model` → the challenges the H5 page issues. Our page has no "move closer /
 * farther" step and no colour-light (photinus) check, so those parts are replaced by head
 * movements, which are stronger against replay than a blink alone; nothing is silently weaker
 * than asked. `null` = the scene's own challenge list and count.
 */
export const MODELS = {
  // Vendor: blink. A blink-only challenge is weak against a replayed clip: the scene's own set applies.
  LIVENESS: null,
  // Vendor: blink + colour light → two of blink / nod / turn left / turn right (no colour light here).
  PHOTINUS_LIVENESS: { actions: ['blink', 'nod', 'turn_left', 'turn_right'], count: 2 },
  // Vendor: blink + head shake in random order → two of blink / turn left / turn right.
  MULTI_ACTION: { actions: ['blink', 'turn_left', 'turn_right'], count: 2 },
  // Vendor: move closer/farther + blink → two of blink / nod / turn left / turn right.
  MOVE_ACTION: { actions: ['blink', 'nod', 'turn_left', 'turn_right'], count: 2 },
  // Vendor: move closer/farther + colour light → two of blink / nod / turn left / turn right.
  MOVE_PHOTINUS: { actions: ['blink', 'nod', 'turn_left', 'turn_right'], count: 2 },
} as const satisfies Record<string, { actions: readonly LivenessAction[]; count: number } | null>;

export type Model = keyof typeof MODELS;
export const MODEL_NAMES = Object.keys(MODELS) as [Model, ...Model[]];
