import type { Db } from './database';
import { newId } from '../ids';

/** Append-only trail of every state change. Never put secrets, tokens or images in `detail`. */
export async function recordAudit(db: Db, entry: { taskId?: string | null; actor: string; event: string; detail?: Record<string, unknown> }): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({ id: newId('ev_'), task_id: entry.taskId ?? null, actor: entry.actor, event: entry.event, detail: entry.detail ? JSON.stringify(entry.detail) : null, created_at: Date.now() })
    .execute();
}

export async function listAudit(db: Db, taskId: string) {
  return db.selectFrom('audit_events').selectAll().where('task_id', '=', taskId).orderBy('created_at').orderBy('id').execute();
}
