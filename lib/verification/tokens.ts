import crypto from 'node:crypto';
import type { Db } from '../store/database';
import type { TaskTable } from '../store/schema';
import { sha256Hex } from '../ids';

export const TOKEN_TTL_SECONDS = 1800;

export function generateToken(): string {
  // 32 random bytes: unguessable; hex keeps it URL-safe and matches the vendor's look.
  return crypto.randomBytes(32).toString('hex');
}

export const hashToken = (token: string) => sha256Hex(token);

/** Issue a token for a task, superseding any still-active one (one live link per ticket). */
export async function issueToken(db: Db, taskId: string, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
  const token = generateToken();
  const expiresAt = now + TOKEN_TTL_SECONDS * 1000;
  await db.updateTable('verify_tokens').set({ state: 'superseded' }).where('task_id', '=', taskId).where('state', '=', 'active').execute();
  await db.insertInto('verify_tokens').values({ token_hash: hashToken(token), task_id: taskId, state: 'active', expires_at: expiresAt, created_at: now }).execute();
  return { token, expiresAt };
}

export type TokenState = 'valid' | 'expired' | 'superseded' | 'decided' | 'unknown';

export interface ResolvedToken {
  state: TokenState;
  task?: TaskTable;
  expiresAt?: number;
  /** 'decided' as a failure (StatusCode 2) whose token is still active and unexpired: another server submission may follow. */
  retryable?: boolean;
}

/** What the verify page and the H5 endpoints know about a token, without ever storing it in clear. */
export async function resolveToken(db: Db, token: string, now = Date.now()): Promise<ResolvedToken> {
  if (!/^[0-9a-f]{64}$/.test(token)) return { state: 'unknown' };
  const row = await db.selectFrom('verify_tokens').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!row) return { state: 'unknown' };
  const task = await db.selectFrom('tasks').selectAll().where('id', '=', row.task_id).executeTakeFirst();
  if (!task) return { state: 'unknown' };
  if (row.state === 'superseded') return { state: 'superseded', task, expiresAt: row.expires_at };
  if (row.state === 'used' || task.status_code === 1 || task.status_code === 2) {
    return { state: 'decided', task, expiresAt: row.expires_at, retryable: row.state === 'active' && task.status_code === 2 && row.expires_at > now };
  }
  if (row.expires_at <= now) return { state: 'expired', task, expiresAt: row.expires_at };
  return { state: 'valid', task, expiresAt: row.expires_at };
}
