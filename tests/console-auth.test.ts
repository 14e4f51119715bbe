// The console's sign-in, sessions, CSRF, roles and lockout over HTTP against the real built
// server and a real database (SQLite here; the e2e file runs the UI in Chromium).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './helpers/server';
import { CloudauthClient, PROVISION, TEST_KEY } from './helpers/rpc';

const ADMIN = { username: 'root-admin', password: 'correct horse battery staple' };

describe('console auth (real server, SQLite)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ provision: PROVISION, env: { CONSOLE_ADMIN_USER: ADMIN.username, CONSOLE_ADMIN_PASSWORD: ADMIN.password, CONSOLE_LOCKOUT_THRESHOLD: '3', METRICS_TOKEN: 'metrics-token-0123456789' } });
  });
  afterAll(async () => server?.stop());

  const origin = () => server.url;
  async function signIn(username: string, password: string, extra: Record<string, string> = {}) {
    const r = await fetch(`${server.url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: origin(), ...extra }, body: JSON.stringify({ username, password }) });
    const cookie = r.headers.get('set-cookie')?.split(';')[0] ?? '';
    return { status: r.status, cookie, setCookie: r.headers.get('set-cookie') ?? '', body: (await r.json()) as Record<string, any> };
  }
  async function me(cookie: string) {
    const r = await fetch(`${server.url}/console/api/session`, { headers: { cookie } });
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  }
  async function post(path: string, cookie: string, csrf: string | null, body: unknown, headers: Record<string, string> = {}) {
    const r = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, origin: origin(), ...(csrf ? { 'x-csrf-token': csrf } : {}), ...headers }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json().catch(() => ({}))) as Record<string, any> };
  }

  it('the first admin exists on a fresh database and can sign in; the cookie is HttpOnly and SameSite', async () => {
    const s = await signIn(ADMIN.username, ADMIN.password);
    expect(s.status).toBe(200);
    expect(s.setCookie).toMatch(/HttpOnly/);
    expect(s.setCookie).toMatch(/SameSite=Strict/);
    expect(s.setCookie).not.toMatch(/Secure/); // http://127.0.0.1: Secure only behind https
    const who = await me(s.cookie);
    expect(who.body).toMatchObject({ username: ADMIN.username, role: 'admin' });
    expect(server.output()).toContain('first console administrator created');
  });

  it('wrong passwords are refused and lock the account after the threshold', async () => {
    const { cookie, body } = await (async () => {
      const s = await signIn(ADMIN.username, ADMIN.password);
      return { cookie: s.cookie, body: (await me(s.cookie)).body };
    })();
    const created = await post('/console/api/operators', cookie, body.csrfToken, { username: 'lockme', role: 'viewer', password: 'a-long-password-1' });
    expect(created.status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await signIn('lockme', 'wrong-password')).body.error).toBe('INVALID_CREDENTIALS');
    expect((await signIn('lockme', 'wrong-password')).body.error).toBe('LOCKED');
    // Even the right password is refused while locked.
    expect((await signIn('lockme', 'a-long-password-1')).body.error).toBe('LOCKED');
    expect((await signIn('nobody', 'whatever')).body.error).toBe('INVALID_CREDENTIALS');
  });

  it('a state change without the CSRF token, or from another origin, is refused with 403', async () => {
    const s = await signIn(ADMIN.username, ADMIN.password);
    const { csrfToken } = (await me(s.cookie)).body;
    expect((await post('/console/api/keys', s.cookie, null, {})).status).toBe(403);
    expect((await post('/console/api/keys', s.cookie, 'forged-token-forged-token-forged', {})).status).toBe(403);
    expect((await post('/console/api/keys', s.cookie, csrfToken, {}, { origin: 'https://evil.example' })).status).toBe(403);
    const ok = await post('/console/api/keys', s.cookie, csrfToken, { description: 'from test' });
    expect(ok.status).toBe(200);
    expect(ok.body.secret).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    // The secret is shown once: the list never carries it.
    const list = await fetch(`${server.url}/console/api/keys`, { headers: { cookie: s.cookie } }).then((r) => r.text());
    expect(list).toContain(ok.body.id);
    expect(list).not.toContain(ok.body.secret);
    // Sign-in from another origin (login CSRF) is refused too.
    const cross = await fetch(`${server.url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: JSON.stringify(ADMIN) });
    expect(cross.status).toBe(403);
  });

  it('session fixation: a planted cookie is never adopted; sign-in issues a new id', async () => {
    const planted = 'ca_console=attacker-chosen-value-0123456789abcdefghijklmnop';
    expect((await me(planted)).status).toBe(401);
    const s = await signIn(ADMIN.username, ADMIN.password, { cookie: planted });
    expect(s.cookie).not.toBe(planted);
    expect((await me(planted)).status).toBe(401);
    expect((await me(s.cookie)).status).toBe(200);
  });

  it('a viewer gets 403 on every image and state-changing endpoint, not just hidden buttons', async () => {
    const a = await signIn(ADMIN.username, ADMIN.password);
    const { csrfToken } = (await me(a.cookie)).body;
    expect((await post('/console/api/operators', a.cookie, csrfToken, { username: 'viewer1', role: 'viewer', password: 'viewer-password-1' })).status).toBe(200);
    const v = await signIn('viewer1', 'viewer-password-1');
    const vc = (await me(v.cookie)).body.csrfToken;
    expect((await fetch(`${server.url}/console/api/records`, { headers: { cookie: v.cookie } })).status).toBe(200);
    expect((await fetch(`${server.url}/console/api/records/t_x/images`, { headers: { cookie: v.cookie } })).status).toBe(403);
    for (const path of ['/console/api/keys', '/console/api/scenes', '/console/api/operators', '/console/api/records/t_x/erase', '/console/api/reviews/t_x/claim', '/console/api/reviews/t_x/decide', '/console/api/keys/LTAItestkey0001/rotate', '/console/api/scenes/demo-h5/enabled']) {
      expect((await post(path, v.cookie, vc, {})).status, path).toBe(403);
    }
    // Signed out: 401 everywhere.
    expect((await fetch(`${server.url}/console/api/records`)).status).toBe(401);
  });

  it('sign out everywhere ends every session of the operator', async () => {
    const s1 = await signIn(ADMIN.username, ADMIN.password);
    const s2 = await signIn(ADMIN.username, ADMIN.password);
    const csrf = (await me(s1.cookie)).body.csrfToken;
    expect((await post('/console/api/sign-out', s1.cookie, csrf, { everywhere: true })).status).toBe(200);
    expect((await me(s1.cookie)).status).toBe(401);
    expect((await me(s2.cookie)).status).toBe(401);
  });

  it('/metrics needs the bearer token and exposes RPC and decision metrics', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    await fetch(`${server.url}/?Action=GetStatus&Version=2018-09-16`);
    const r = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text).toMatch(/cloudauth_rpc_requests_total\{action="GetStatus",code="MissingAccessKeyId"\} 1/);
    expect(text).toContain('cloudauth_rpc_duration_seconds_bucket');
    expect(text).toContain('cloudauth_engine_queue_depth');
    expect(text).toContain('cloudauth_reviews_pending 0');
    // Read from the shared outbox table at scrape time; the failure counter is tested against a receiver in console-review-callbacks.test.ts.
    expect(text).toMatch(/^cloudauth_callback_outbox_depth 0$/m);
    // No analysis yet: the histogram has no series (a scrape never starts the engine either).
    expect(text).not.toMatch(/cloudauth_engine_analysis_seconds_count\{/);
  });

  it('/metrics: one face analysis through the API shows in the engine analysis-time histogram', async () => {
    // A partner call (batch lane) with a face-free picture: the engine analyses it and finds no face.
    const client = new CloudauthClient({ accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'] });
    const picture = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 120, g: 110, b: 100 } } }).jpeg().toBuffer();
    const r = (await client.request('DetectFaceAttributes', { MaterialValue: `base64://${picture.toString('base64')}`, RetAttributes: 'headpose' }, { method: 'POST' })) as any;
    expect(r.Data).toMatchObject({ ImgWidth: 320, ImgHeight: 240, FaceInfos: { FaceAttributesDetectInfo: [] } });
    const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } })).text();
    const count = Number(/^cloudauth_engine_analysis_seconds_count\{lane="batch"\} (\S+)$/m.exec(text)?.[1]);
    const sum = Number(/^cloudauth_engine_analysis_seconds_sum\{lane="batch"\} (\S+)$/m.exec(text)?.[1]);
    expect(count).toBe(1);
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(30);
    expect(text).toMatch(/^cloudauth_engine_analysis_seconds_bucket\{le="\+Inf",lane="batch"\} 1$/m);
    expect(text).toMatch(/^cloudauth_engine_queue_depth 0$/m);
  });
});

describe('/metrics is off by default', () => {
  it('answers 404 without METRICS_TOKEN', async () => {
    const s = await startServer({ provision: PROVISION });
    try {
      expect((await fetch(`${s.url}/metrics`)).status).toBe(404);
    } finally {
      await s.stop();
    }
  });
});

describe('console sign-in limit per address, shared by two instances on one database', () => {
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudauth-signin-'));
    const env = { CONSOLE_ADMIN_USER: ADMIN.username, CONSOLE_ADMIN_PASSWORD: ADMIN.password, CONSOLE_SIGNIN_PER_MINUTE: '4', CONSOLE_LOCKOUT_THRESHOLD: '100' };
    a = await startServer({ provision: PROVISION, dataDir, env });
    b = await startServer({ provision: PROVISION, dataDir, env });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('the fifth attempt within the minute is 429 with Retry-After, whichever instance gets it, before any password is checked', async () => {
    const attempt = async (s: RunningServer, password: string) => {
      const r = await fetch(`${s.url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: s.url }, body: JSON.stringify({ username: ADMIN.username, password }) });
      return { status: r.status, retryAfter: r.headers.get('retry-after'), body: (await r.json()) as { error?: string } };
    };
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await attempt(i % 2 ? a : b, 'wrong-password'));
    expect(seen.map((r) => r.body.error)).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS']);
    // Even the right password is not checked once the address is over its limit.
    const limited = await attempt(a, ADMIN.password);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('RATE_LIMITED');
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await attempt(b, ADMIN.password)).status).toBe(429);
  });
});
