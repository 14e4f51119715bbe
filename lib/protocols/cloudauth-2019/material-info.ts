import crypto from 'node:crypto';
import type { AppContext } from '../../context';
import type { TaskTable } from '../../store/schema';
import { listMaterials } from '../../verification/materials';
import { signMediaUrl } from '../../security/signed-url';

/** The numbers of the stored decision, from its audit event (no images, no embeddings there). */
async function decisionDetail(ctx: AppContext, taskId: string): Promise<Record<string, unknown>> {
  const ev = await ctx.db
    .selectFrom('audit_events')
    .select('detail')
    .where('task_id', '=', taskId)
    .where('event', 'in', ['h5.passed', 'h5.failed', 'still.passed', 'still.failed'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return ev?.detail ? (JSON.parse(ev.detail) as Record<string, unknown>) : {};
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * ResultObject.MaterialInfo, a JSON **string** as the SDK types it: faceAttack ("T" = the
 * passive anti-spoof judged the face an attack) and faceAttackScore (100·(1 − P(live))),
 * verifyScore (0–100, against the comparison picture) and facialPictureFront.pictureUrl (the
 * kept live face, a signed URL valid for one hour; only after a pass: failed captures are not kept).
 */
export async function materialInfo(ctx: AppContext, task: TaskTable): Promise<string> {
  const d = await decisionDetail(ctx, task.id);
  const live = num(d.livenessMedian) ?? num(d.livenessScore);
  const threshold = num(d.livenessThreshold);
  const verifyScore = num(task.similarity_score);
  const info: Record<string, unknown> = {};
  if (live !== null) {
    info.faceAttack = threshold !== null && live < threshold ? 'T' : 'F';
    info.faceAttackScore = Math.round((1 - live) * 10000) / 100;
  }
  const front: Record<string, unknown> = {};
  if (verifyScore !== null) front.verifyScore = verifyScore;
  if (task.status_code === 1) {
    const face = (await listMaterials(ctx.db, task.id)).filter((m) => m.kind === 'FacePic').at(-1);
    if (face) front.pictureUrl = signMediaUrl(ctx.config.publicUrl, ctx.keys.urlSigning, face.id);
  }
  if (verifyScore !== null) info.verifyScore = verifyScore;
  if (Object.keys(front).length) info.facialPictureFront = front;
  return JSON.stringify(info);
}

/**
 * DeviceRisk / DeviceToken from the camera signals of the task's last attempt: `VIRTUAL_CAMERA`
 * (our label; the vendor's ROOT/VPN/HOOK/EMULATOR come from its native SDK) when the camera
 * looked virtual or injected, and a stable digest of the camera's label and track settings that
 * lets a partner recognise the same capture device across verifications (no personal data).
 */
export async function deviceSignals(ctx: AppContext, taskId: string): Promise<{ DeviceRisk?: string; DeviceToken?: string }> {
  const ev = await ctx.db.selectFrom('audit_events').select('detail').where('task_id', '=', taskId).where('event', '=', 'h5.attempt.started').orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  const camera = ev?.detail ? ((JSON.parse(ev.detail) as { camera?: { label?: string; settings?: Record<string, unknown>; virtual?: boolean } }).camera ?? null) : null;
  if (!camera) return {};
  const settings = camera.settings ?? {};
  const stable = JSON.stringify({ label: camera.label ?? '', width: settings.width ?? null, height: settings.height ?? null, facingMode: settings.facingMode ?? null });
  return { ...(camera.virtual ? { DeviceRisk: 'VIRTUAL_CAMERA' } : {}), DeviceToken: crypto.createHash('sha256').update(stable).digest('base64url').slice(0, 32) };
}
