import crypto from 'node:crypto';
import type { Db } from '../store/database';
import type { OperatorTable } from '../store/schema';
import { sha256Hex } from '../ids';
import { consoleSettings } from './settings';

export const SESSION_COOKIE = 'ca_console';

export interface ConsoleSession {
  operator: OperatorTable;
  csrfToken: string;
  idHash: string;
}

/**
 * Database-backed sessions with random 256-bit ids: only the id's SHA-256 is stored, so a leaked
 * table holds no usable cookie. A new id is issued at every sign-in (no session fixation); a
 * session ends after CONSOLE_IDLE_MINUTES without use or CONSOLE_SESSION_HOURS in all.
 */
export async function createSession(db: Db, operatorId: string, now = Date.now()): Promise<{ cookie: string; csrfToken: string; expiresAt: number }> {
  const cookie = crypto.randomBytes(32).toString('base64url');
  const csrfToken = crypto.randomBytes(24).toString('base64url');
  const expiresAt = now + consoleSettings().sessionMs;
  await db.insertInto('console_sessions').values({ id_hash: sha256Hex(cookie), operator_id: operatorId, csrf_token: csrfToken, created_at: now, last_seen_at: now, expires_at: expiresAt }).execute();
  // Housekeeping on the sign-in path (rare): drop sessions that ended.
  await db.deleteFrom('console_sessions').where('expires_at', '<', now).execute();
  return { cookie, csrfToken, expiresAt };
}

export async function resolveSession(db: Db, cookie: string | undefined, now = Date.now()): Promise<ConsoleSession | null> {
  if (!cookie || cookie.length > 100) return null;
  const idHash = sha256Hex(cookie);
  const s = await db.selectFrom('console_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  if (!s) return null;
  const { idleMs } = consoleSettings();
  if (s.expires_at <= now || s.last_seen_at + idleMs <= now) {
    await db.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute();
    return null;
  }
  const operator = await db.selectFrom('operators').selectAll().where('id', '=', s.operator_id).executeTakeFirst();
  if (!operator || operator.enabled !== 1) return null;
  // Touch at most once a minute: reads stay reads.
  if (now - s.last_seen_at > 60_000) await db.updateTable('console_sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
  return { operator, csrfToken: s.csrf_token, idHash };
}

export async function endSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute();
}

export async function endAllSessions(db: Db, operatorId: string): Promise<number> {
  const r = await db.deleteFrom('console_sessions').where('operator_id', '=', operatorId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export function csrfMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
