import type { AppContext } from '../context';
import { recordAudit } from '../store/audit';
import { verifyPassword } from './passwords';
import { createSession } from './sessions';
import { consoleSettings } from './settings';

export type SignInResult = { ok: true; cookie: string; expiresAt: number } | { ok: false; error: 'INVALID_CREDENTIALS' | 'LOCKED' | 'RATE_LIMITED' };

/**
 * A fixed one-minute window per client address, in memory (per process). It bounds the work
 * (a scrypt hash each) before any account is looked at; the per-account lockout below is in the
 * database, so it holds across processes and restarts.
 */
const g = globalThis as unknown as { __consoleSignInWindows?: Map<string, { start: number; n: number }> };
const windows = (g.__consoleSignInWindows ??= new Map());

export function allowSignInAttempt(client: string, now = Date.now()): boolean {
  const limit = consoleSettings().signInPerMinute;
  const w = windows.get(client);
  if (!w || now - w.start >= 60_000) {
    if (windows.size > 10_000) windows.clear();
    windows.set(client, { start: now, n: 1 });
    return true;
  }
  w.n++;
  return w.n <= limit;
}

/** Password sign-in with lockout after CONSOLE_LOCKOUT_THRESHOLD consecutive failures. */
export async function signIn(ctx: AppContext, username: string, password: string, client: string): Promise<SignInResult> {
  if (!allowSignInAttempt(client)) return { ok: false, error: 'RATE_LIMITED' };
  const s = consoleSettings();
  const now = Date.now();
  const op = await ctx.db.selectFrom('operators').selectAll().where('username', '=', username).executeTakeFirst();
  if (op && op.locked_until && op.locked_until > now) {
    await recordAudit(ctx.db, { actor: `operator:${op.username}`, event: 'console.sign_in.locked' });
    return { ok: false, error: 'LOCKED' };
  }
  const good = await verifyPassword(password, op?.password_hash ?? null);
  if (!op || !good || op.enabled !== 1) {
    if (op) {
      const failed = op.failed_count + 1;
      const lock = failed >= s.lockoutThreshold && s.lockoutMs > 0;
      await ctx.db.updateTable('operators').set({ failed_count: lock ? 0 : failed, locked_until: lock ? now + s.lockoutMs : op.locked_until, updated_at: now }).where('id', '=', op.id).execute();
      await recordAudit(ctx.db, { actor: `operator:${op.username}`, event: lock ? 'console.locked' : 'console.sign_in.failed', detail: { failed } });
      if (lock) return { ok: false, error: 'LOCKED' };
    }
    return { ok: false, error: 'INVALID_CREDENTIALS' };
  }
  await ctx.db.updateTable('operators').set({ failed_count: 0, locked_until: null, last_sign_in_at: now, updated_at: now }).where('id', '=', op.id).execute();
  const session = await createSession(ctx.db, op.id, now);
  await recordAudit(ctx.db, { actor: `operator:${op.username}`, event: 'console.signed_in' });
  return { ok: true, cookie: session.cookie, expiresAt: session.expiresAt };
}
