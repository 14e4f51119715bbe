import { z } from 'zod';

/** face_verify settings (README "Settings"): the scene its verifications run on. */
const schema = z.object({ FACE_VERIFY_SCENE: z.string().min(1).max(64).default('demo-h5') });

export function faceVerifyScene(env: NodeJS.ProcessEnv = process.env): string {
  return schema.parse({ FACE_VERIFY_SCENE: env.FACE_VERIFY_SCENE || undefined }).FACE_VERIFY_SCENE;
}
