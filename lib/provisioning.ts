import crypto from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import type { AppContext } from './context';
import { countAccessKeys, upsertAccessKey } from './store/access-keys';
import { listScenes, sceneInputSchema, upsertScene } from './store/scenes';
import { recordAudit } from './store/audit';
import { log } from './log';

export const provisioningSchema = z
  .object({
    accessKeys: z.array(z.object({ id: z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/), secret: z.string().min(16).max(128), enabled: z.boolean().optional(), description: z.string().max(200).optional() }).strict()).default([]),
    scenes: z.array(sceneInputSchema).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    // SceneId names one scene: two scenes of one file with the same id is a mistake, caught before anything is written.
    const seen = new Map<number, string>();
    p.scenes.forEach((s, i) => {
      if (s.sceneId === undefined) return;
      const first = seen.get(s.sceneId);
      if (first) ctx.addIssue({ code: 'custom', path: ['scenes', i, 'sceneId'], message: `sceneId ${s.sceneId} is also used by scene ${first}` });
      else seen.set(s.sceneId, s.biz);
    });
  });

export type Provisioning = z.infer<typeof provisioningSchema>;

export function readProvisioningFile(file: string): Provisioning {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`CLOUDAUTH_PROVISION=${file}: cannot read JSON (${(e as Error).message})`);
  }
  const parsed = provisioningSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`CLOUDAUTH_PROVISION=${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** Upserts keys (by id) and scenes (by biz); running it twice changes nothing. */
export async function applyProvisioningData(ctx: AppContext, data: Provisioning): Promise<void> {
  for (const k of data.accessKeys) {
    await upsertAccessKey(ctx.db, ctx.keys.secrets, k);
    ctx.accessKeys.forget(k.id);
  }
  for (const s of data.scenes) await upsertScene(ctx.db, s);
  if (data.accessKeys.length || data.scenes.length) {
    await recordAudit(ctx.db, { actor: 'provisioning', event: 'provisioning.applied', detail: { accessKeys: data.accessKeys.map((k) => k.id), scenes: data.scenes.map((s) => s.biz) } });
  }
}

export const DEMO_BIZ = 'demo-h5';
/** How the demo key is recognised (the /demo page plays the partner with it). */
export const DEMO_KEY_DESCRIPTION = 'demo key created on first start';

/** At start: the provisioning file, then (on an empty database) a demo scene and key. */
export async function applyProvisioning(ctx: AppContext): Promise<void> {
  if (ctx.config.provisionFile) {
    await applyProvisioningData(ctx, readProvisioningFile(ctx.config.provisionFile));
    log.info({ file: ctx.config.provisionFile }, 'provisioning applied');
  }
  if (!ctx.config.createDemo) return;
  if ((await countAccessKeys(ctx.db)) > 0 || (await listScenes(ctx.db)).length > 0) return;
  const id = `LTAI${crypto.randomBytes(10).toString('hex')}`;
  const secret = crypto.randomBytes(18).toString('base64url');
  await applyProvisioningData(ctx, {
    accessKeys: [{ id, secret, description: DEMO_KEY_DESCRIPTION }],
    scenes: [sceneInputSchema.parse({ biz: DEMO_BIZ, scheme: 'RPH5BioOnly', redirectOrigins: [new URL(ctx.config.publicUrl).origin] })],
  });
  printDemo(ctx.config.publicUrl, id, secret);
}

function printDemo(endpoint: string, id: string, secret: string): void {
  // Printed once, to the operator's terminal, when the demo key is created: the only time the
  // secret is shown (it is stored encrypted). Not sent through the logger on purpose.
  process.stdout.write(
    [
      '',
      '=== Open Cloudauth: demo scene and AccessKey created ===',
      `  API endpoint : ${endpoint}`,
      `  Biz (scene)  : ${DEMO_BIZ}`,
      `  AccessKeyId  : ${id}`,
      `  AccessSecret : ${secret}`,
      `  Demo page    : ${endpoint}/demo   (plays the partner: reference selfie, verification, what GetStatus/GetMaterials return)`,
      '  Try it:',
      `  node -e "const C=require('@alicloud/pop-core');new C({accessKeyId:'${id}',accessKeySecret:'${secret}',endpoint:'${endpoint}',apiVersion:'2018-09-16',codes:['1']}).request('GetVerifyToken',{Biz:'${DEMO_BIZ}',TicketId:'t-'+Date.now(),Binding:JSON.stringify({Name:'张三',IdentificationNumber:'11010519491231002X'})}).then(r=>console.log(r.Data.CloudauthPageUrl))"`,
      '',
    ].join('\n') + '\n',
  );
}
