import type { AppContext } from '../context';
import { recordAudit } from '../store/audit';
import { verifyPassword } from './passwords';
import { createSession } from './sessions';
import { consoleSettings } from './settings';
import { takeRateLimit } from '../security/rate-limits';

export type SignInResult = { ok: true; cookie: string; expiresAt: number } | { ok: false; error: 'INVALID_CREDENTIALS' | 'LOCKED' | 'RATE_LIMITED'; retryAfterMs?: number };

/**
 * Sign-in attempts per client address: a token bucket in the database (the shared limiter of
 * lib/security/rate-limits.ts), so the limit holds across processes, instances and restarts. It
 * bounds the work (one scrypt hash per attempt) before any account is looked at; the
 * per-account lockout below is in the database too.
 */
async function allowSignInAttempt(ctx: AppContext, client: string, now: number): Promise<{ allowed: boolean; retryAfterMs: number }> {
  const perMinute = consoleSettings().signInPerMinute;
  return takeRateLimit(ctx, `console-signin:${client.slice(0, 64)}`, { ratePerSecond: perMinute / 60, burst: perMinute }, now);
}

/** Password sign-in with lockout after CONSOLE_LOCKOUT_THRESHOLD consecutive failures. */
export async function signIn(ctx: AppContext, username: string, password: string, client: string): Promise<SignInResult> {
  const now = Date.now();
  const limit = await allowSignInAttempt(ctx, client, now);
  if (!limit.allowed) return { ok: false, error: 'RATE_LIMITED', retryAfterMs: limit.retryAfterMs };
  const s = consoleSettings();
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
