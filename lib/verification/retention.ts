import type { AppContext } from '../context';
import { recordAudit } from '../store/audit';
import { log } from '../log';
import { purgeAbandonedAttempts } from './h5/attempts';

/**
 * Face images are biometric data: once a task is older than the retention period its images
 * (blobs and rows) are deleted. The task row and its outcome stay, so GetStatus still answers;
 * GetMaterials then simply has no image fields.
 */
export async function applyRetention(ctx: AppContext, now = Date.now()): Promise<{ materialsDeleted: number; attemptsClosed: number }> {
  const cutoff = now - ctx.config.retentionDays * 24 * 3600 * 1000;
  const old = await ctx.db
    .selectFrom('materials')
    .innerJoin('tasks', 'tasks.id', 'materials.task_id')
    .select(['materials.id', 'materials.blob_key', 'materials.task_id'])
    .where('tasks.updated_at', '<', cutoff)
    .limit(1000)
    .execute();
  for (const m of old) {
    // Row first: a crash between the two leaves an orphan encrypted file, never a row without its blob.
    await ctx.db.deleteFrom('materials').where('id', '=', m.id).execute();
    await ctx.blobs.delete(m.blob_key);
  }
  for (const taskId of new Set(old.map((m) => m.task_id))) {
    await recordAudit(ctx.db, { taskId, actor: 'retention', event: 'materials.deleted', detail: { retentionDays: ctx.config.retentionDays } });
  }
  // Attempts whose browser went away: close them and delete their evidence frames. (Expired
  // nonces are purged by lib/rpc/authenticate.ts as requests arrive; they grow only with traffic.)
  const { attemptsClosed } = await purgeAbandonedAttempts(ctx, now);
  if (old.length) log.info({ materialsDeleted: old.length }, 'retention applied');
  return { materialsDeleted: old.length, attemptsClosed };
}

const g = globalThis as unknown as { __cloudauthRetention?: NodeJS.Timeout };

/** Runs retention at start and then hourly, once per process. */
export function scheduleRetention(ctx: AppContext): void {
  if (g.__cloudauthRetention) return;
  const run = () => applyRetention(ctx).catch((e: unknown) => log.error({ err: (e as Error).message }, 'retention failed'));
  void run();
  g.__cloudauthRetention = setInterval(run, 3600_000);
  g.__cloudauthRetention.unref();
}
