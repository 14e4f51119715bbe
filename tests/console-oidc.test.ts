// Console sign-in through OIDC (authorization code + PKCE) against a real OpenID Provider
// (`oidc-provider`, in this process, on loopback), driven by a real browser through the
// provider's own login and consent pages.
import fs from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type RunningServer } from './helpers/server';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[skip] console OIDC tests: Chromium not found at ${CHROMIUM}`);

const ADMIN_PASSWORD = 'oidc-test-admin-password-1';
const CLIENT = { id: 'open-cloudauth-console', secret: 'a-client-secret-for-the-console-tests' };

describe.skipIf(!hasChromium)('console OIDC sign-in (oidc-provider + Chromium)', () => {
  let server: RunningServer;
  let idp: http.Server;
  let issuer: string;
  let browser: Browser;

  beforeAll(async () => {
    const appPort = await freePort();
    const idpPort = await freePort();
    issuer = `http://127.0.0.1:${idpPort}`;
    const provider = new Provider(issuer, {
      clients: [{ client_id: CLIENT.id, client_secret: CLIENT.secret, redirect_uris: [`http://127.0.0.1:${appPort}/console/api/oidc/callback`], grant_types: ['authorization_code'], response_types: ['code'] }],
      // The provider's development login accepts any login: it becomes the subject. Logins
      // starting "unverified" have an unverified e-mail address.
      findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, email: sub, email_verified: !sub.startsWith('unverified') }) }),
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      cookies: { keys: ['test-cookie-key-1'] },
    });
    provider.proxy = false;
    idp = http.createServer(provider.callback());
    await new Promise<void>((r) => idp.listen(idpPort, '127.0.0.1', () => r()));
    server = await startServer({
      env: {
        CONSOLE_ADMIN_PASSWORD: ADMIN_PASSWORD,
        CONSOLE_OIDC_ISSUER: issuer,
        CONSOLE_OIDC_CLIENT_ID: CLIENT.id,
        CONSOLE_OIDC_CLIENT_SECRET: CLIENT.secret,
        CONSOLE_OIDC_LABEL: 'Test IdP',
      },
      port: appPort,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await new Promise((r) => idp?.close(r));
  });

  /** Sign-in page → "Sign in with Test IdP" → the provider's login and consent → back. */
  async function oidcSignIn(login: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/console/sign-in`);
    await page.getByTestId('oidc-sign-in').click();
    await page.waitForURL((u) => u.origin === issuer);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    // Consent (first use of this client by this account).
    const consent = page.locator('button.login-submit');
    if (await consent.waitFor({ timeout: 5000 }).then(() => true, () => false)) {
      if (new URL(page.url()).origin === issuer) await consent.click();
    }
    await page.waitForURL((u) => u.origin === server.url && !u.pathname.startsWith('/console/api/oidc'), { timeout: 20_000 });
    return { context, page };
  }

  async function adminApi() {
    const origin = server.url;
    const r = await fetch(`${origin}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    expect(r.status).toBe(200);
    const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
    const me = (await (await fetch(`${origin}/console/api/session`, { headers: { cookie } })).json()) as { csrfToken: string };
    return (method: string, path: string, body?: unknown) => fetch(`${origin}${path}`, { method, headers: { cookie, origin, 'x-csrf-token': me.csrfToken, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  }

  it('an identity with no operator is refused with a clear message; nothing is created', async () => {
    const { context, page } = await oidcSignIn('nobody@example.com');
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect(new URL(page.url()).searchParams.get('error')).toBe('OIDC_NO_OPERATOR');
    expect(await page.locator('[data-error="oidc"]').textContent()).toMatch(/no console operator|未关联/i);
    expect((await context.request.get(`${server.url}/console/api/session`)).status()).toBe(401);
    await context.close();
    const list = (await (await (await adminApi())('GET', '/console/api/operators')).json()) as { operators?: { username: string }[] } | { username: string }[];
    const names = (Array.isArray(list) ? list : (list.operators ?? [])).map((o) => o.username);
    expect(names).not.toContain('nobody@example.com');
  });

  it('an operator whose username is the verified e-mail signs in (linked on first use) with its own role', async () => {
    const api = await adminApi();
    const created = await api('POST', '/console/api/operators', { username: 'alice@example.com', role: 'reviewer' });
    expect(created.status).toBeLessThan(300);
    const { context, page } = await oidcSignIn('alice@example.com');
    expect(new URL(page.url()).pathname).toMatch(/^\/console\/records/);
    const me = await context.request.get(`${server.url}/console/api/session`);
    expect(me.status()).toBe(200);
    expect(await me.json()).toMatchObject({ username: 'alice@example.com', role: 'reviewer' });
    // The session is a normal console session: the reviewer cannot do admin things.
    const csrf = ((await me.json()) as { csrfToken: string }).csrfToken;
    const forbidden = await context.request.post(`${server.url}/console/api/operators`, { headers: { origin: server.url, 'x-csrf-token': csrf, 'content-type': 'application/json' }, data: { username: 'mallory', role: 'admin' } });
    expect(forbidden.status()).toBe(403);
    await context.close();
    // Linked: the second sign-in finds the operator by subject.
    const again = await oidcSignIn('alice@example.com');
    expect(new URL(again.page.url()).pathname).toMatch(/^\/console\/records/);
    await again.context.close();
  });

  it('an unverified e-mail is refused even when an operator has that name', async () => {
    const api = await adminApi();
    expect((await api('POST', '/console/api/operators', { username: 'unverified@example.com', role: 'admin' })).status).toBeLessThan(300);
    const { context, page } = await oidcSignIn('unverified@example.com');
    expect(new URL(page.url()).searchParams.get('error')).toBe('OIDC_EMAIL_NOT_VERIFIED');
    expect((await context.request.get(`${server.url}/console/api/session`)).status()).toBe(401);
    await context.close();
  });

  it('a callback without the flow cookie, or with a forged one, signs nobody in', async () => {
    for (const cookie of [undefined, 'ca_oidc=AQ' + 'A'.repeat(60)]) {
      const r = await fetch(`${server.url}/console/api/oidc/callback?code=stolen&state=guessed`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
      expect(r.status).toBe(303);
      expect(r.headers.get('location')).toContain('error=OIDC_FLOW_INVALID');
      expect(r.headers.get('set-cookie') ?? '').not.toContain('ca_console=');
    }
  });
});
