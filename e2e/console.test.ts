// The operator console end to end in real Chromium against the real built app (fresh SQLite,
// demo scene/key and first admin created at start), with a fake camera playing a real face clip
// (../shared/media, never committed) for the verify page and the /demo reference selfie.
// Screenshots of every console page at 1280×800 and 390×844 go to test-results/screens/console-*.
import fs from 'node:fs';
import path from 'node:path';
import { CloudauthClient } from '../tests/helpers/rpc';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServer, type RunningServer } from '../tests/helpers/server';
import { launch, missingPrerequisite, SCREENS, still, tempDir, video } from './helpers';
import { oneCameraSuiteAtATime } from './camera-suite-lock';

const missing = missingPrerequisite();
if (missing) console.warn(`[skip] console e2e: ${missing}`);

const ADMIN = { username: 'admin', password: 'e2e-admin-password-0123' };
const V01 = 'v01_blink_glasses_man_webcam';
const V03 = 'v03_mouth_open_man';
const AXE = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

describe.skipIf(!!missing)('operator console (Chromium, real database, fake camera)', () => {
  let server: RunningServer;
  let browser: Browser;
  let admin: BrowserContext;
  let tmp: string;
  const axeFindings: Record<string, string[]> = {};
  const state: { key?: { id: string; secret: string }; ticket?: string; taskId?: string } = {};

  oneCameraSuiteAtATime();

  beforeAll(async () => {
    tmp = tempDir();
    server = await startServer({ env: { CLOUDAUTH_DEMO: '1', CONSOLE_ADMIN_PASSWORD: ADMIN.password } });
    browser = await launch(video(V01));
    admin = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  });
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** axe-core (serious/critical) and a screenshot at both sizes, for the page as it is now. */
  async function check(page: Page, name: string) {
    await page.waitForLoadState('networkidle').catch(() => undefined);
    await page.addScriptTag({ content: AXE });
    const found = await page.evaluate(async () => {
      const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v: any) => v.impact === 'serious' || v.impact === 'critical').map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    });
    axeFindings[name] = found;
    fs.mkdirSync(SCREENS, { recursive: true });
    const size = page.viewportSize()!;
    for (const s of SIZES) {
      await page.setViewportSize({ width: s.width, height: s.height });
      await page.screenshot({ path: path.join(SCREENS, `console-${name}-${s.name}.png`), fullPage: true });
    }
    await page.setViewportSize(size);
    expect(found, `axe on ${name}`).toEqual([]);
  }

  const api = async (page: Page, method: string, url: string, body?: unknown) =>
    page.evaluate(
      async ([m, u, b]) => {
        const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
        const r = await fetch(u as string, { method: m as string, headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: b === undefined ? undefined : JSON.stringify(b) });
        return { status: r.status, body: await r.json().catch(() => null) };
      },
      [method, url, body] as const,
    );

  async function signIn(ctx: BrowserContext, username: string, password: string): Promise<Page> {
    const page = await ctx.newPage();
    await page.goto(`${server.url}/console`);
    await page.waitForURL(/\/console\/sign-in/);
    await page.getByLabel(/Username|用户名/).fill(username);
    await page.getByLabel(/Password|密码/).fill(password);
    await page.getByRole('button', { name: /Sign in|登录/ }).click();
    await page.waitForURL(/\/console\/records/);
    return page;
  }

  /** The verify page from its intro to the end: a redirect (returns the URL) or a result screen. */
  async function runVerify(page: Page, until: RegExp | 'result'): Promise<string> {
    await page.locator('[data-flow-state="intro"] button, main button').first().click();
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (until !== 'result' && until.test(page.url())) return page.url();
      const st = await page.locator('[data-flow-state]').first().getAttribute('data-flow-state').catch(() => null);
      if (until === 'result' && (st === 'result' || st === 'error')) return (await page.locator('[data-outcome]').getAttribute('data-outcome').catch(() => null)) ?? st;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`verify flow did not finish at ${page.url()}`);
  }

  it('sign in; create a scene and an AccessKey through the UI (secret shown once)', async () => {
    const signInPage = await admin.newPage();
    await signInPage.goto(`${server.url}/console/sign-in`);
    await check(signInPage, 'sign-in');
    await signInPage.close();
    const page = await signIn(admin, ADMIN.username, ADMIN.password);
    expect(await page.getByTestId('whoami').textContent()).toContain('admin');

    await page.goto(`${server.url}/console/scenes/new`);
    await check(page, 'scene-new');
    const form = page.getByTestId('scene-form');
    await form.locator('input[name="biz"]').fill('e2e-review');
    for (const a of ['mouth_open', 'turn_left', 'turn_right', 'nod']) await form.locator(`input[value="${a}"]`).uncheck();
    await form.locator('input[name="liveness.count"]').fill('1');
    await form.locator('input[name="maxAttempts"]').fill('1');
    await form.locator('select[name="review"]').selectOption('on_fail');
    // A bad value first: the shared zod schema answers with the field.
    await form.locator('input[name="securityLevel"]').fill('9');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => form.locator('[role="alert"]').textContent()).toContain('securityLevel');
    await form.locator('input[name="securityLevel"]').fill('2');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/console\/scenes$/);
    await expect.poll(() => page.locator('tr[data-biz="e2e-review"]').textContent()).toContain('when the machine fails it');
    await check(page, 'scenes');
    await page.goto(`${server.url}/console/scenes/e2e-review`);
    await check(page, 'scene-edit');

    await page.goto(`${server.url}/console/keys`);
    await page.getByTestId('key-form').locator('input[name="description"]').fill('e2e partner');
    await page.getByTestId('key-form').getByRole('button', { name: 'Create' }).click();
    const once = page.getByTestId('shown-once');
    await once.waitFor();
    const secret = (await page.getByTestId('once-value').textContent())!;
    const id = (await once.locator('[data-once-label]').getAttribute('data-once-label'))!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    expect(id).toMatch(/^LTAI/);
    state.key = { id, secret };
    await check(page, 'keys');
    await page.reload();
    expect(await page.content()).not.toContain(secret);
    expect(await page.locator(`tr[data-key="${id}"]`).textContent()).toContain('never');
    await page.close();
  }, 120_000);

  it('a failing verification on the review scene lands in the queue; a reviewer approves it; GetStatus says 1', async () => {
    const key = state.key!;
    const client = new CloudauthClient({ accessKeyId: key.id, accessKeySecret: key.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'] });
    const ticket = `e2e-review-${Date.now()}`;
    // The reference is another person: the capture is live, the comparison fails (NOT_SAME_PERSON).
    const ref = still(video(V03), 1.0, tmp);
    const r = (await client.request('GetVerifyToken', { Biz: 'e2e-review', TicketId: ticket, Binding: JSON.stringify({ Name: '张三', FacePic: `base64://${ref.toString('base64')}` }) }, { method: 'POST' })) as any;
    const phone = await browser.newContext({ viewport: { width: 360, height: 640 }, locale: 'zh-CN' });
    const vp = await phone.newPage();
    await vp.goto(r.Data.CloudauthPageUrl);
    const outcome = await runVerify(vp, 'result');
    expect(outcome).toBe('failed');
    await phone.close();
    const status = async () => ((await client.request('GetStatus', { Biz: 'e2e-review', TicketId: ticket }, { method: 'POST' })) as any).Data;
    // Held for review: in progress for the partner.
    expect((await status()).StatusCode).toBe(0);
    // …and the partner cannot reset it with a new token: the reviewer decides.
    const again = await client
      .request('GetVerifyToken', { Biz: 'e2e-review', TicketId: ticket, Binding: JSON.stringify({ Name: '张三', FacePic: `base64://${ref.toString('base64')}` }) }, { method: 'POST' })
      .then(() => null, (e: { code?: string }) => e.code);
    expect(again).toBe('Error.DuplicatedTicketId');
    expect((await status()).StatusCode).toBe(0);
    state.ticket = ticket;

    // The admin finds it in records, opens it, sees the evidence and the reference photo.
    const page = await admin.newPage();
    await page.goto(`${server.url}/console/records?ticket=${ticket}`);
    await page.locator(`tr[data-ticket="${ticket}"] a`).click();
    await page.waitForURL(/\/console\/records\/t_/);
    state.taskId = page.url().split('/').pop()!;
    const imgs = page.locator('[data-section="images"] img');
    expect(await imgs.count()).toBeGreaterThanOrEqual(3);
    const kinds = await imgs.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds).toContain('FacePic');
    expect(kinds.some((k) => k?.startsWith('evidence #0 best'))).toBe(true);
    await expect.poll(() => imgs.first().evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    const src = (await imgs.first().getAttribute('src'))!;
    expect(src).toMatch(/\/media\/[^?]+\?expires=\d+&sig=/);
    const media = await fetch(src);
    expect(media.headers.get('cache-control')).toContain('no-store');
    expect(await page.locator('[data-section="attempts"]').textContent()).toContain('NOT_SAME_PERSON');
    expect(await page.locator('tr[data-event="review.queued"]').count()).toBe(1);
    await check(page, 'record');
    await page.goto(`${server.url}/console/records`);
    await check(page, 'records');

    // A reviewer (created through the UI, password shown once) takes it; a second one cannot.
    await page.goto(`${server.url}/console/operators`);
    const mk = async (username: string) => {
      const f = page.getByTestId('operator-form');
      await f.locator('input[name="username"]').fill(username);
      await f.locator('select[name="role"]').selectOption('reviewer');
      await f.getByRole('button', { name: 'Create' }).click();
      await page.getByTestId('shown-once').waitFor();
      await expect.poll(() => page.getByTestId('shown-once').locator('[data-once-label]').getAttribute('data-once-label')).toBe(username);
      const pw = (await page.getByTestId('once-value').textContent())!;
      await page.reload();
      return pw;
    };
    const pw1 = await mk('reviewer1');
    const pw2 = await mk('reviewer2');
    await check(page, 'operators');
    const rc1 = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const rc2 = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const r1 = await signIn(rc1, 'reviewer1', pw1);
    const r2 = await signIn(rc2, 'reviewer2', pw2);
    await r1.goto(`${server.url}/console/reviews`);
    await check(r1, 'reviews');
    await r1.locator(`tr[data-ticket="${ticket}"] a`).click();
    await r1.getByTestId('claim').getByRole('button').click();
    await r1.getByTestId('decide').waitFor();
    const other = await api(r2, 'POST', `/console/api/reviews/${state.taskId}/claim`);
    expect(other.status).toBe(409);
    expect(other.body.error).toBe('CLAIMED_BY_OTHER');
    expect((await api(r2, 'POST', `/console/api/reviews/${state.taskId}/decide`, { verdict: 'reject', reason: 'not me' })).status).toBe(409);
    await r1.getByTestId('decide').locator('textarea[name="reason"]').fill('Same person on the ID photo; reference was a poor scan');
    await r1.getByTestId('decide').getByRole('button').click();
    await expect.poll(() => r1.locator('[data-review-state]').getAttribute('data-review-state')).toBe('approved');
    expect((await status()).StatusCode).toBe(1);
    await r1.reload();
    expect(await r1.locator('tr[data-event="review.approved"] td').nth(1).textContent()).toBe('operator:reviewer1');
    // The evidence kept for the review is gone after the decision (data minimisation).
    expect(await r1.locator('[data-section="images"] img[data-kind^="evidence"]').count()).toBe(0);
    await rc1.close();
    await rc2.close();
    await page.close();
  }, 180_000);

  it('the analytics page shows the funnel and charts with those data', async () => {
    const page = await admin.newPage();
    await page.goto(`${server.url}/console/analytics?biz=e2e-review`);
    const funnel = page.getByTestId('funnel');
    const cell = async (step: string) => Number(await funnel.locator('tr', { hasText: step }).locator('td').nth(1).textContent());
    for (const step of ['opened', 'start', 'camera_granted', 'models_loaded', 'aligned', 'challenge_started', 'uploading', 'decided']) expect(await cell(step), step).toBe(1);
    const values = JSON.parse((await page.locator('[data-chart="chart-funnel"]').getAttribute('data-values'))!) as number[][];
    expect(values[0]).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    await expect.poll(() => page.locator('[data-chart="chart-funnel"]').getAttribute('data-rendered')).toBe('1');
    expect(await page.locator('[data-chart="chart-funnel"] svg rect, [data-chart="chart-funnel"] svg path').count()).toBeGreaterThan(8);
    // The reviewer approved it: one decided, one passed, 100 %.
    const day = page.getByTestId('pass-rate').locator('tbody tr').first().locator('td');
    expect([await day.nth(1).textContent(), await day.nth(2).textContent(), await day.nth(3).textContent()]).toEqual(['1', '1', '100']);
    expect(await page.getByTestId('similarity-threshold').textContent()).toMatch(/90.* n = 1/);
    expect(await page.getByTestId('liveness-threshold').textContent()).toContain('n = 1');
    const times = page.getByTestId('step-times');
    expect(Number(await times.locator('tr', { hasText: 'models_loaded' }).locator('td').nth(2).textContent())).toBeGreaterThan(0);
    expect(await page.getByTestId('browsers').textContent()).toContain('Chrome');
    await check(page, 'analytics');
    await page.close();
  }, 60_000);

  it('a viewer sees records without images and cannot change anything (403 on the endpoints)', async () => {
    const page = await admin.newPage();
    await page.goto(`${server.url}/console/operators`);
    expect((await api(page, 'POST', '/console/api/operators', { username: 'viewer1', role: 'viewer', password: 'viewer-password-0123' })).status).toBe(200);
    const vc = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const v = await signIn(vc, 'viewer1', 'viewer-password-0123');
    await v.goto(`${server.url}/console/records/${state.taskId}`);
    expect(await v.locator('img').count()).toBe(0);
    expect(await v.locator('[data-section="images"]').textContent()).toContain('reviewers and administrators only');
    const html = await v.content();
    // A signed media URL (the fake camera's label is a file path with "/media/" in it: not an image URL).
    const at = html.search(/\/media\/[^"'\s?<]+\?expires=/);
    expect(at, `a signed image URL on a viewer's page: …${html.slice(Math.max(0, at - 80), at + 200)}…`).toBe(-1);
    expect((await api(v, 'GET', `/console/api/records/${state.taskId}/images`)).status).toBe(403);
    expect((await api(v, 'POST', `/console/api/records/${state.taskId}/erase`, { confirm: state.ticket })).status).toBe(403);
    expect((await api(v, 'POST', '/console/api/keys', {})).status).toBe(403);
    expect((await api(v, 'POST', '/console/api/scenes', { biz: 'x' })).status).toBe(403);
    await v.goto(`${server.url}/console/keys`);
    expect(await v.locator('[data-forbidden]').count()).toBe(1);
    await vc.close();

    // Erasure by the admin keeps an audit entry and removes the images.
    await page.goto(`${server.url}/console/records/${state.taskId}`);
    await page.getByTestId('erase').locator('input[name="confirm"]').fill(state.ticket!);
    await page.getByTestId('erase').getByRole('button').click();
    await expect.poll(async () => (await page.reload(), page.locator('tr[data-event="record.erased"]').count())).toBe(1);
    expect(await page.locator('[data-section="images"] img').count()).toBe(0);
    await page.close();
  }, 60_000);

  it('/demo on a fresh start reaches a pass, the reference taken by the demo’s own camera step', async () => {
    // The demo scene draws 2 of 5 actions by default; the fake-camera clip can only blink, so
    // the operator switches the demo scene to blink through the console first.
    const page = await admin.newPage();
    await page.goto(`${server.url}/console/scenes/demo-h5`);
    const form = page.getByTestId('scene-form');
    for (const a of ['mouth_open', 'turn_left', 'turn_right', 'nod']) await form.locator(`input[value="${a}"]`).uncheck();
    await form.locator('input[name="liveness.count"]').fill('1');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/console\/scenes$/);
    await page.close();

    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    const demo = await ctx.newPage();
    await demo.goto(`${server.url}/demo`);
    await check(demo, 'demo');
    await demo.getByTestId('demo-camera').click();
    await demo.waitForFunction(() => (document.querySelector('video') as HTMLVideoElement | null)?.videoWidth);
    await new Promise((r) => setTimeout(r, 1500)); // into the clip, eyes open
    await demo.getByTestId('demo-take').click();
    await demo.getByTestId('demo-start').click();
    await demo.waitForURL(/\/verify\?/);
    await runVerify(demo, /\/demo\/result\?/);
    await expect.poll(() => demo.locator('[data-demo-result]').getAttribute('data-status-code')).toBe('1');
    expect(await demo.getByTestId('demo-getstatus').textContent()).toContain('"StatusCode": 1');
    await expect.poll(() => demo.locator('img[alt="FacePic"]').evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await check(demo, 'demo-result');
    await ctx.close();
  }, 150_000);

  it('axe-core: no serious or critical violations on any console page', () => {
    expect(Object.keys(axeFindings).length).toBeGreaterThanOrEqual(10);
    expect(Object.values(axeFindings).flat()).toEqual([]);
  });
});
