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

/** The AccessKeyId format every key is created with (provisioning file, CLI). */
const ACCESS_KEY_ID_RE = /^[A-Za-z0-9_-]{8,64}$/;

export function isWellFormedAccessKeyId(id: string): boolean {
  return ACCESS_KEY_ID_RE.test(id);
}

/** Budget of the resolver's cache; with ids ≤ 64 characters that is several thousand keys. */
export const ACCESS_KEY_CACHE_BYTES = 1024 * 1024;

interface CacheEntry {
  value: KeyLookup | null;
  until: number;
  bytes: number;
}

/**
 * Secret lookup for signature checks, cached briefly: decrypting and querying on every request
 * would dominate GetStatus latency. Disabling a key therefore takes effect within the TTL on
 * every instance (documented in the README). Malformed ids are refused before the database and
 * never cached; the cache (hits and misses) is bounded by bytes and evicts least recently used.
 */
export class AccessKeyResolver {
  private readonly cache = new Map<string, CacheEntry>();
  private bytes = 0;
  constructor(
    private readonly db: Db,
    private readonly key: Buffer,
    private readonly ttlMs = 5000,
    private readonly maxBytes = ACCESS_KEY_CACHE_BYTES,
  ) {}

  /** Approximate memory held by the cache (UTF-16 strings plus a fixed overhead per entry). */
  get cachedBytes(): number {
    return this.bytes;
  }

  async lookup(id: string): Promise<KeyLookup | null> {
    if (!isWellFormedAccessKeyId(id)) return null;
    const hit = this.cache.get(id);
    if (hit && hit.until > Date.now()) {
      // Map order is recency order: move the hit to the end.
      this.cache.delete(id);
      this.cache.set(id, hit);
      return hit.value;
    }
    const row = await this.db.selectFrom('access_keys').select(['secret_enc', 'enabled', 'expires_at']).where('id', '=', id).executeTakeFirst();
    // expires_at: end of a rotation's grace period (console, migration 0007); the cache TTL still applies.
    const value = row ? { secret: openString(this.key, row.secret_enc, id), enabled: row.enabled === 1 && !(row.expires_at && Number(row.expires_at) <= Date.now()) } : null;
    this.store(id, { value, until: Date.now() + this.ttlMs, bytes: 2 * (id.length + (value?.secret.length ?? 0)) + 96 });
    return value;
  }

  private store(id: string, entry: CacheEntry): void {
    this.drop(id);
    this.cache.set(id, entry);
    this.bytes += entry.bytes;
    for (const oldest of this.cache.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(oldest);
    }
  }

  private drop(id: string): void {
    const e = this.cache.get(id);
    if (!e) return;
    this.cache.delete(id);
    this.bytes -= e.bytes;
  }

  forget(id?: string): void {
    if (id) this.drop(id);
    else {
      this.cache.clear();
      this.bytes = 0;
    }
  }
}
