import crypto from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../context';
import type { Db } from '../store/database';
import { setAccessKeyEnabled, upsertAccessKey } from '../store/access-keys';
import { recordAudit } from '../store/audit';
import { log } from '../log';
import { consoleSettings } from './settings';

export const keyCreateSchema = z.object({ description: z.string().trim().max(200).optional() }).strict();

export interface KeyRow {
  id: string;
  enabled: boolean;
  description: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  rotatedTo: string | null;
  /** Rotated and past its grace period: refused whatever `enabled` says. */
  expired: boolean;
}

export async function listKeys(db: Db, now = Date.now()): Promise<KeyRow[]> {
  const rows = await db.selectFrom('access_keys').select(['id', 'enabled', 'description', 'created_at', 'last_used_at', 'expires_at', 'rotated_to']).orderBy('created_at').execute();
  return rows.map((r) => ({ id: r.id, enabled: r.enabled === 1, description: r.description, createdAt: Number(r.created_at), lastUsedAt: r.last_used_at ? Number(r.last_used_at) : null, expiresAt: r.expires_at ? Number(r.expires_at) : null, rotatedTo: r.rotated_to ?? null, expired: !!r.expires_at && Number(r.expires_at) <= now }));
}

const newKeyId = () => `LTAI${crypto.randomBytes(10).toString('hex')}`;
const newSecret = () => crypto.randomBytes(24).toString('base64url');

/** A new key; the secret is returned once and stored only encrypted. */
export async function createKey(ctx: AppContext, description: string | undefined, operator: string): Promise<{ id: string; secret: string }> {
  const id = newKeyId();
  const secret = newSecret();
  await upsertAccessKey(ctx.db, ctx.keys.secrets, { id, secret, description: description ?? null });
  await recordAudit(ctx.db, { actor: `operator:${operator}`, event: 'access_key.created', detail: { id } });
  return { id, secret };
}

/**
 * Enable or disable a key. A rotated key whose grace period is over stays refused whatever its
 * flag says, so enabling it is refused ('expired') rather than shown as enabled and not working.
 */
export async function setKeyEnabled(ctx: AppContext, id: string, enabled: boolean, operator: string, now = Date.now()): Promise<'ok' | 'not_found' | 'expired'> {
  const row = await ctx.db.selectFrom('access_keys').select('expires_at').where('id', '=', id).executeTakeFirst();
  if (!row) return 'not_found';
  if (enabled && row.expires_at && Number(row.expires_at) <= now) return 'expired';
  if (!(await setAccessKeyEnabled(ctx.db, id, enabled))) return 'not_found';
  ctx.accessKeys.forget(id);
  await recordAudit(ctx.db, { actor: `operator:${operator}`, event: enabled ? 'access_key.enabled' : 'access_key.disabled', detail: { id } });
  return 'ok';
}

/**
 * Rotation: a new key (new id and secret, shown once); the old key keeps working until the end
 * of CONSOLE_KEY_ROTATION_GRACE_HOURS (default 24 h) so partners can deploy the new one, then
 * stops (AccessKeyResolver treats an expired key as disabled; its 5 s cache applies).
 */
export async function rotateKey(ctx: AppContext, id: string, operator: string): Promise<{ id: string; secret: string; oldKeyValidUntil: number } | null> {
  const old = await ctx.db.selectFrom('access_keys').select(['id', 'description', 'enabled', 'expires_at', 'rotated_to']).where('id', '=', id).executeTakeFirst();
  // A key already rotated is refused too: rotating it again would push its end past the grace
  // period it was given and fork a second successor (the page offers no button for it either).
  if (!old || old.enabled !== 1 || old.expires_at || old.rotated_to) return null;
  const fresh = { id: newKeyId(), secret: newSecret() };
  const until = Date.now() + consoleSettings().keyRotationGraceMs;
  await upsertAccessKey(ctx.db, ctx.keys.secrets, { ...fresh, description: old.description ? `${old.description} (rotated from ${id})` : `rotated from ${id}` });
  await ctx.db.updateTable('access_keys').set({ expires_at: until, rotated_to: fresh.id, updated_at: Date.now() }).where('id', '=', id).execute();
  ctx.accessKeys.forget(id);
  await recordAudit(ctx.db, { actor: `operator:${operator}`, event: 'access_key.rotated', detail: { id, newId: fresh.id, oldKeyValidUntil: until } });
  return { ...fresh, oldKeyValidUntil: until };
}

const g = globalThis as unknown as { __consoleKeyUse?: Map<string, number> };
const lastWrite = (g.__consoleKeyUse ??= new Map());

/** Records a key's last use, at most once a minute per key and process (off the request's path). */
export function noteKeyUsed(db: Db, id: string, now = Date.now()): void {
  if ((lastWrite.get(id) ?? 0) > now - 60_000) return;
  if (lastWrite.size > 10_000) lastWrite.clear();
  lastWrite.set(id, now);
  void db
    .updateTable('access_keys')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .execute()
    .catch((e: unknown) => log.warn({ err: (e as Error).message }, 'could not record key use'));
}
