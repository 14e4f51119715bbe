// AccessKeys in the console against the real built server and its SQLite file: a key created in
// the console signs calls of the official @alicloud/pop-core client, its last use is recorded and
// shown, rotation keeps the old key working for CONSOLE_KEY_ROTATION_GRACE_HOURS (set to seconds
// here) and then refuses it with the seed's Error.NoPermissionAccess, disable/enable take effect
// at once, and every change is audited with the operator's name.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './helpers/server';
import { CloudauthClient, PROVISION } from './helpers/rpc';

const ADMIN = { username: 'key-admin', password: 'key-admin-password-0123' };
/** 0.003 h = 10.8 s: long enough to call with both keys on a busy machine, short enough to wait out. */
const GRACE_HOURS = 0.003;
const GRACE_MS = GRACE_HOURS * 3600_000;
/** AccessKeyResolver's cache (lib/store/access-keys.ts): an expiry takes effect within it. */
const KEY_CACHE_MS = 5000;

interface KeyRow {
  id: string;
  enabled: boolean;
  description: string | null;
  lastUsedAt: number | null;
  expiresAt: number | null;
  rotatedTo: string | null;
}

describe('console AccessKeys: rotation, grace period, disable/enable, last use (real server, SQLite)', () => {
  let server: RunningServer;
  let cookie = '';
  let csrf = '';

  beforeAll(async () => {
    server = await startServer({ provision: PROVISION, env: { CONSOLE_ADMIN_USER: ADMIN.username, CONSOLE_ADMIN_PASSWORD: ADMIN.password, CONSOLE_KEY_ROTATION_GRACE_HOURS: String(GRACE_HOURS) } });
    const s = await fetch(`${server.url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.url }, body: JSON.stringify(ADMIN) });
    expect(s.status).toBe(200);
    cookie = s.headers.get('set-cookie')!.split(';')[0]!;
    csrf = ((await (await fetch(`${server.url}/console/api/session`, { headers: { cookie } })).json()) as { csrfToken: string }).csrfToken;
  });
  afterAll(async () => server?.stop());

  const post = async (p: string, body: unknown = {}) => {
    const r = await fetch(`${server.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, origin: server.url, 'x-csrf-token': csrf }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json().catch(() => ({}))) as Record<string, any> };
  };
  const keys = async () => ((await (await fetch(`${server.url}/console/api/keys`, { headers: { cookie } })).json()) as { keys: KeyRow[] }).keys;
  const keyRow = async (id: string) => (await keys()).find((k) => k.id === id);
  /** The keys page (server-rendered) as the operator's browser receives it: one row's HTML. */
  const pageRow = async (id: string) => {
    const html = await (await fetch(`${server.url}/console/keys`, { headers: { cookie, 'accept-language': 'en' } })).text();
    return [...html.matchAll(/<tr[^>]*data-key="([^"]+)"[^>]*>.*?<\/tr>/gs)].find((m) => m[1] === id)?.[0];
  };
  /** A signed GetStatus with the official client; the result code, or the error's code and HTTP status. */
  const callWith = async (key: { id: string; secret: string }) => {
    const client = new CloudauthClient({ accessKeyId: key.id, accessKeySecret: key.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'] });
    return client.request('GetStatus', { Biz: 'demo-h5', TicketId: 'no-such-ticket' }, { method: 'POST' }).then(
      (r: any) => ({ code: r.Code as string, statusCode: r.Data.StatusCode as number, http: 200 }),
      (e: { code?: string; entry?: { response?: { statusCode?: number } } }) => ({ code: e.code, statusCode: undefined, http: e.entry?.response?.statusCode }),
    );
  };
  const audit = () => {
    const d = new Database(path.join(server.dataDir, 'cloudauth.sqlite'), { readonly: true });
    try {
      return (d.prepare(`select actor, event, detail from audit_events where event like 'access_key.%' order by created_at, id`).all() as { actor: string; event: string; detail: string }[]).map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
    } finally {
      d.close();
    }
  };
  const until = async <T,>(fn: () => Promise<T | undefined | null | false>, ms: number, what: string): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const state: { key?: { id: string; secret: string }; next?: { id: string; secret: string }; validUntil?: number } = {};

  it('a key created in the console signs pop-core calls; its last use is recorded and shown on the keys page', async () => {
    const created = await post('/console/api/keys', { description: 'rotation partner' });
    expect(created.status).toBe(200);
    state.key = { id: created.body.id, secret: created.body.secret };
    expect((await keyRow(state.key.id))?.lastUsedAt).toBeNull();
    expect(await pageRow(state.key.id)).toContain('never');

    const before = Date.now();
    expect(await callWith(state.key)).toEqual({ code: '1', statusCode: -1, http: 200 });
    // Written off the request's path: it shows up shortly after the call.
    const used = await until(async () => (await keyRow(state.key!.id))?.lastUsedAt, 5000, 'last_used_at written');
    expect(used).toBeGreaterThanOrEqual(before);
    expect(used).toBeLessThanOrEqual(Date.now());
    const row = (await pageRow(state.key.id))!;
    expect(row).toContain(`data-last-used="${used}"`);
    expect(row).not.toContain('never');
  });

  it('rotate: a new key, and the old one keeps signing until the grace period ends', async () => {
    const old = state.key!;
    const before = Date.now();
    const r = await post(`/console/api/keys/${old.id}/rotate`);
    expect(r.status).toBe(200);
    const next = { id: r.body.id as string, secret: r.body.secret as string };
    expect(next.id).toMatch(/^LTAI/);
    expect(next.id).not.toBe(old.id);
    expect(next.secret).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    const validUntil = r.body.oldKeyValidUntil as number;
    expect(validUntil).toBeGreaterThanOrEqual(before + GRACE_MS);
    expect(validUntil).toBeLessThanOrEqual(Date.now() + GRACE_MS);
    Object.assign(state, { next, validUntil });

    // Both sign successfully during the grace period.
    expect(await callWith(old)).toEqual({ code: '1', statusCode: -1, http: 200 });
    expect(await callWith(next)).toEqual({ code: '1', statusCode: -1, http: 200 });
    expect(Date.now(), 'the calls above ran inside the grace period').toBeLessThan(validUntil);

    const rows = await keys();
    expect(rows.find((k) => k.id === old.id)).toMatchObject({ enabled: true, expiresAt: validUntil, rotatedTo: next.id });
    expect(rows.find((k) => k.id === next.id)).toMatchObject({ enabled: true, expiresAt: null, rotatedTo: null, description: `rotation partner (rotated from ${old.id})` });
    // The secret is shown once: neither list nor page carries it.
    expect(JSON.stringify(rows)).not.toContain(next.secret);
    expect(await pageRow(old.id)).toContain(next.id);
    // A key already rotated cannot be rotated again (that would extend its grace period).
    expect((await post(`/console/api/keys/${old.id}/rotate`)).status).toBe(404);
  });

  it('after the grace period the old key answers Error.NoPermissionAccess (403); the new key still works', async () => {
    const { key: old, next, validUntil } = state as Required<typeof state>;
    const refused = await until(
      async () => {
        const r = await callWith(old);
        return r.code === '1' ? null : { ...r, at: Date.now() };
      },
      GRACE_MS + KEY_CACHE_MS + 10_000,
      'old key refused',
    );
    expect(refused).toMatchObject({ code: 'Error.NoPermissionAccess', http: 403 });
    // Never before the end of the grace period; after it within the key cache (plus a busy machine's slack).
    expect(refused.at).toBeGreaterThanOrEqual(validUntil);
    expect(refused.at).toBeLessThanOrEqual(validUntil + KEY_CACHE_MS + 3000);
    expect(await callWith(next)).toEqual({ code: '1', statusCode: -1, http: 200 });
    // An expired key cannot be rotated either, nor enabled again (it would show "enabled" and stay refused).
    expect((await post(`/console/api/keys/${old.id}/rotate`)).status).toBe(404);
    expect(await post(`/console/api/keys/${old.id}/enabled`, { enabled: true })).toMatchObject({ status: 409, body: { error: 'KEY_EXPIRED' } });
    expect(await callWith(old)).toMatchObject({ code: 'Error.NoPermissionAccess', http: 403 });
    // The page says it is expired and offers neither enable nor rotate for it.
    const row = (await pageRow(old.id))!;
    expect(row).toContain('data-expired="true"');
    expect(row).toContain('expired (rotated)');
    expect(row).not.toMatch(/>(Enable|Disable|Rotate)</);
  }, 60_000);

  it('disable refuses the key at once, enable restores it; a disabled key cannot be rotated', async () => {
    const next = state.next!;
    expect((await post(`/console/api/keys/${next.id}/enabled`, { enabled: false })).body).toEqual({ ok: true, enabled: false });
    expect(await callWith(next)).toMatchObject({ code: 'Error.NoPermissionAccess', http: 403 });
    expect((await keyRow(next.id))?.enabled).toBe(false);
    expect(await pageRow(next.id)).toContain('>disabled<');
    expect((await post(`/console/api/keys/${next.id}/rotate`)).status).toBe(404);
    expect((await post(`/console/api/keys/${next.id}/enabled`, { enabled: 'true' })).body).toEqual({ ok: true, enabled: true });
    expect(await callWith(next)).toEqual({ code: '1', statusCode: -1, http: 200 });
    expect((await post('/console/api/keys/LTAInosuchkey000/enabled', { enabled: false })).status).toBe(404);
  });

  it('every key change is in the audit trail with the operator’s name, and no secret', () => {
    const { key: old, next, validUntil } = state as Required<typeof state>;
    const trail = audit();
    expect(trail.map((e) => [e.actor, e.event, e.detail])).toEqual([
      [`operator:${ADMIN.username}`, 'access_key.created', { id: old.id }],
      [`operator:${ADMIN.username}`, 'access_key.rotated', { id: old.id, newId: next.id, oldKeyValidUntil: validUntil }],
      [`operator:${ADMIN.username}`, 'access_key.disabled', { id: next.id }],
      [`operator:${ADMIN.username}`, 'access_key.enabled', { id: next.id }],
    ]);
    expect(JSON.stringify(trail)).not.toContain(old.secret);
    expect(JSON.stringify(trail)).not.toContain(next.secret);
  });
});
