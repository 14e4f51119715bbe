import { z } from 'zod';
import type { Db } from './database';

export const LIVENESS_ACTIONS = ['blink', 'mouth_open', 'turn_left', 'turn_right', 'nod'] as const;
export type LivenessAction = (typeof LIVENESS_ACTIONS)[number];

export const sceneSettingsSchema = z
  .object({
    liveness: z
      .object({
        actions: z.array(z.enum(LIVENESS_ACTIONS)).min(1).default(['blink', 'mouth_open', 'turn_left', 'turn_right', 'nod']),
        count: z.number().int().min(1).max(5).default(2),
        timeoutSeconds: z.number().int().min(5).max(600).default(60),
        /** Fail attempts whose camera looks virtual or injected (OBS, ManyCam, "fake"…). Off by default: Chromium's own test camera is labelled fake. */
        rejectVirtualCamera: z.boolean().default(false),
      })
      .default({ actions: ['blink', 'mouth_open', 'turn_left', 'turn_right', 'nod'], count: 2, timeoutSeconds: 60, rejectVirtualCamera: false })
      .refine((l) => l.count <= new Set(l.actions).size, { message: 'liveness.count exceeds the number of distinct actions' }),
    /** 1–4 = false-accept rate 1e-3 … 1e-6, as FaceID's security_level. */
    securityLevel: z.number().int().min(1).max(4).default(2),
    maxAttempts: z.number().int().min(1).max(20).default(3),
    redirectOrigins: z.array(z.string().url()).default([]),
    /** Passive anti-spoof: minimum P(live) 0..1 for a frame to count as live. */
    livenessThreshold: z.number().min(0).max(1).optional(),
    /** AccessKeys that may use this scene (absent: every enabled key); another key gets Error.NoPermissionAccess. */
    accessKeys: z.array(z.string().min(1).max(64)).max(1000).optional(),
    /** Who asks, as the verify page names it (tab title, intro), e.g. "示例银行". Absent: the page names no one. */
    displayName: z.string().trim().min(1).max(64).optional(),
    /** Manual review (console): off, when the machine fails the task, or always (RPManual's default). */
    review: z.enum(['off', 'on_fail', 'always']).optional(),
    /** The numeric SceneId partners of the 2019-03-07 API send (InitFaceVerify, DescribeFaceVerify…); unique among scenes. */
    sceneId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    /**
     * Origins (scheme://host[:port]) a CallbackUrl may point to. Callbacks go nowhere else, and
     * never to a loopback or private address unless CLOUDAUTH_FETCH_PRIVATE_NETWORKS lists it.
     */
    callbackOrigins: z.array(z.string().url().refine((u) => /^https?:\/\/[^/?#]+\/?$/.test(u), 'an origin: scheme://host[:port], no path')).max(20).default([]),
  })
  .strict();

export type SceneSettings = z.infer<typeof sceneSettingsSchema>;

export const sceneInputSchema = sceneSettingsSchema.extend({
  biz: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'biz may contain letters, digits, _ . : -'),
  scheme: z.enum(['RPH5BioOnly', 'RPMin', 'RPBasic', 'RPBioOnly', 'RPManual']).default('RPH5BioOnly'),
  enabled: z.boolean().default(true),
});
export type SceneInput = z.input<typeof sceneInputSchema>;

export interface Scene {
  biz: string;
  scheme: string;
  enabled: boolean;
  settings: SceneSettings;
}

export async function upsertScene(db: Db, input: SceneInput): Promise<Scene> {
  const parsed = sceneInputSchema.parse(input);
  const { biz, scheme, enabled, ...rest } = parsed;
  const settings = JSON.stringify(sceneSettingsSchema.parse(rest));
  const now = Date.now();
  const sceneId = rest.sceneId ?? null;
  if (sceneId !== null) {
    const other = await db.selectFrom('scenes').select('biz').where('scene_id', '=', sceneId).where('biz', '!=', biz).executeTakeFirst();
    if (other) throw new z.ZodError([{ code: 'custom', path: ['sceneId'], message: `sceneId ${sceneId} is already used by scene ${other.biz}`, input: sceneId }]);
  }
  await db
    .insertInto('scenes')
    .values({ biz, scheme, settings, enabled: enabled ? 1 : 0, created_at: now, updated_at: now, scene_id: sceneId })
    .onConflict((oc) => oc.column('biz').doUpdateSet({ scheme, settings, enabled: enabled ? 1 : 0, updated_at: now, scene_id: sceneId }))
    .execute();
  return { biz, scheme, enabled, settings: JSON.parse(settings) as SceneSettings };
}

export async function getScene(db: Db, biz: string): Promise<Scene | null> {
  const row = await db.selectFrom('scenes').selectAll().where('biz', '=', biz).executeTakeFirst();
  return row ? toScene(row) : null;
}

/** The scene a 2019-03-07 request names by its numeric SceneId. */
export async function getSceneBySceneId(db: Db, sceneId: number): Promise<Scene | null> {
  const row = await db.selectFrom('scenes').selectAll().where('scene_id', '=', sceneId).executeTakeFirst();
  return row ? toScene(row) : null;
}

export async function listScenes(db: Db): Promise<Scene[]> {
  const rows = await db.selectFrom('scenes').selectAll().orderBy('created_at').execute();
  return rows.map(toScene);
}

export async function setSceneEnabled(db: Db, biz: string, enabled: boolean): Promise<boolean> {
  const r = await db.updateTable('scenes').set({ enabled: enabled ? 1 : 0, updated_at: Date.now() }).where('biz', '=', biz).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

function toScene(row: { biz: string; scheme: string; settings: string; enabled: number }): Scene {
  return { biz: row.biz, scheme: row.scheme, enabled: row.enabled === 1, settings: sceneSettingsSchema.parse(JSON.parse(row.settings)) };
}
