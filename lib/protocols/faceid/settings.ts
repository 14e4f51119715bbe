import { z } from 'zod';

/** FaceID settings (README "Settings"): which scene FaceID requests run on, APPCODE on or off. */
const schema = z.object({
  FACEID_SCENE: z.string().min(1).max(64).default('demo-h5'),
  FACEID_APPCODE: z.enum(['0', '1']).default('1'),
});

export interface FaceIdSettings {
  /** Base scene: actions, maxAttempts, redirect origins, anti-spoof threshold. */
  scene: string;
  appCodeEnabled: boolean;
}

export function faceIdSettings(env: NodeJS.ProcessEnv = process.env): FaceIdSettings {
  const e = schema.parse({ FACEID_SCENE: env.FACEID_SCENE || undefined, FACEID_APPCODE: env.FACEID_APPCODE || undefined });
  return { scene: e.FACEID_SCENE, appCodeEnabled: e.FACEID_APPCODE === '1' };
}
