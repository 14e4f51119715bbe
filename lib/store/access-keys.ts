import type { Db } from './database';
import { openString, sealString } from '../security/aead';

export interface AccessKeyRecord {
  id: string;
  enabled: boolean;
  description: string | null;
  createdAt: number;
}

export async function upsertAccessKey(db: Db, key: Buffer, input: { id: string; secret: string; enabled?: boolean; description?: string | null }): Promise<void> {
  const now = Date.now();
  const secretEnc = sealString(key, input.secret, input.id);
  const enabled = input.enabled === false ? 0 : 1;
  await db
    .insertInto('access_keys')
    .values({ id: input.id, secret_enc: secretEnc, enabled, description: input.description ?? null, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('id').doUpdateSet({ secret_enc: secretEnc, enabled, description: input.description ?? null, updated_at: now }))
    .execute();
}

export async function setAccessKeyEnabled(db: Db, id: string, enabled: boolean): Promise<boolean> {
  const r = await db.updateTable('access_keys').set({ enabled: enabled ? 1 : 0, updated_at: Date.now() }).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function listAccessKeys(db: Db): Promise<AccessKeyRecord[]> {
  const rows = await db.selectFrom('access_keys').select(['id', 'enabled', 'description', 'created_at']).orderBy('created_at').execute();
  return rows.map((r) => ({ id: r.id, enabled: r.enabled === 1, description: r.description, createdAt: r.created_at }));
}

export async function countAccessKeys(db: Db): Promise<number> {
  const r = await db.selectFrom('access_keys').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export interface KeyLookup {
  secret: string;
  enabled: boolean;
}

/**
 * Secret lookup for signature checks, cached briefly: decrypting and querying on every request
 * would dominate GetStatus latency. Disabling a key therefore takes effect within the TTL on
 * every instance (documented in the README).
 */
export class AccessKeyResolver {
  private readonly cache = new Map<string, { value: KeyLookup | null; until: number }>();
  constructor(
    private readonly db: Db,
    private readonly key: Buffer,
    private readonly ttlMs = 5000,
  ) {}

  async lookup(id: string): Promise<KeyLookup | null> {
    const hit = this.cache.get(id);
    if (hit && hit.until > Date.now()) return hit.value;
    const row = await this.db.selectFrom('access_keys').select(['secret_enc', 'enabled', 'expires_at']).where('id', '=', id).executeTakeFirst();
    // expires_at: end of a rotation's grace period (console, migration 0007); the cache TTL still applies.
    const value = row ? { secret: openString(this.key, row.secret_enc, id), enabled: row.enabled === 1 && !(row.expires_at && Number(row.expires_at) <= Date.now()) } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(id, { value, until: Date.now() + this.ttlMs });
    return value;
  }

  forget(id?: string): void {
    if (id) this.cache.delete(id);
    else this.cache.clear();
  }
}
