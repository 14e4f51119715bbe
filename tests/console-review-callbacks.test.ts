// Manual review's final outcome reaches the partner's server (issue 10 §5: "callbacks fire on the
// final outcome"), against the real built app on SQLite and (when reachable) PostgreSQL. A
// verification on an `on_fail` review scene fails through the real H5 endpoints (one attempt,
// given up: a final machine failure without a camera), is held (StatusCode 0, nothing called
// back), a reviewer decides it over the console's HTTP API, and the callback outbox delivers the
// verdict to a local receiver: the documented query fields, the partner's own token/seed, our
// HMAC signature, exactly once. Calls go through the official clients (@alicloud/pop-core for
// GetStatus, @alicloud/cloudauth20190307 for the 2019-03-07 actions that register callbacks).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Cloudauth, * as $C from '@alicloud/cloudauth20190307';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './helpers/server';
import { postgresAvailable, variantDatabase } from './helpers/postgres';
import { CloudauthClient } from './helpers/rpc';
import { until } from './helpers/until';

const MEDIA = path.resolve(__dirname, '../../shared/media');
const hasMedia = fs.existsSync(path.join(MEDIA, 'pairs'));
if (!hasMedia) console.warn(`[skip] console review callbacks, InitFaceVerify case: test media not found at ${MEDIA}`);
const OBAMA = 'pairs/face_recognition/obama/obama.jpg';
const pgUp = await postgresAvailable();
if (!pgUp) console.warn('[skip] console review callbacks on PostgreSQL: no server at TEST_PG_URL');

const Client = ((Cloudauth as unknown as { default?: typeof Cloudauth }).default ?? Cloudauth) as unknown as new (c: $OpenApiUtil.Config) => Cloudauth;
const KEY = { id: 'LTAIreviewcallback', secret: 'review-callback-test-secret-0123456789' };
const ADMIN = { username: 'review-admin', password: 'review-admin-password-0123' };
const REVIEWER = { username: 'reviewer-cb', password: 'reviewer-cb-password-0123' };
const BIZ = 'rv-cb';
const SCENE_ID = 1000042;

/** The partner's server: records every request it gets; `/down` answers HTTP 500 (a partner whose endpoint is failing). */
function startReceiver() {
  const hits: { url: URL; headers: http.IncomingHttpHeaders }[] = [];
  const srv = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    hits.push({ url, headers: req.headers });
    if (url.pathname === '/down') res.writeHead(500).end('down');
    else res.writeHead(200).end('ok');
  });
  return new Promise<{ origin: string; hits: typeof hits; close(): Promise<void> }>((resolve) =>
    srv.listen(0, '127.0.0.1', () => resolve({ origin: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, hits, close: () => new Promise((r) => srv.close(() => r())) })),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const variant of ['SQLite', ...(pgUp ? ['PostgreSQL'] : [])]) {
  describe(`manual review → partner callback (${variant})`, () => {
    let server: RunningServer;
    let rx: Awaited<ReturnType<typeof startReceiver>>;
    let drop: () => Promise<void> = async () => undefined;
    let c19: Cloudauth;
    let c18: CloudauthClient;
    const sessions: Record<string, { cookie: string; csrf: string }> = {};

    beforeAll(async () => {
      rx = await startReceiver();
      const db = await variantDatabase(variant);
      drop = db.drop;
      server = await startServer({
        env: {
          ...db.env,
          CONSOLE_ADMIN_USER: ADMIN.username,
          CONSOLE_ADMIN_PASSWORD: ADMIN.password,
          // The receiver is on loopback: the operator lets callbacks reach it (never the default).
          CLOUDAUTH_FETCH_PRIVATE_NETWORKS: '127.0.0.1/32',
          CLOUDAUTH_CALLBACK_POLL_MS: '100',
          METRICS_TOKEN: 'metrics-token-review-callbacks',
        },
        provision: {
          accessKeys: [KEY],
          // One attempt: giving it up is a final machine failure, which `on_fail` holds for a reviewer.
          scenes: [{ biz: BIZ, sceneId: SCENE_ID, liveness: { actions: ['blink', 'turn_left', 'turn_right', 'nod'], count: 2, timeoutSeconds: 60 }, maxAttempts: 1, review: 'on_fail', redirectOrigins: ['https://partner.example'], callbackOrigins: [rx.origin] }],
        },
      });
      c19 = new Client(new $OpenApiUtil.Config({ accessKeyId: KEY.id, accessKeySecret: KEY.secret, endpoint: `127.0.0.1:${server.port}`, protocol: 'http', readTimeout: 60_000, connectTimeout: 30_000 }));
      c18 = new CloudauthClient({ accessKeyId: KEY.id, accessKeySecret: KEY.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'] });
      sessions.admin = await signIn(ADMIN);
      expect((await consolePost(sessions.admin, '/console/api/operators', { username: REVIEWER.username, role: 'reviewer', password: REVIEWER.password })).status).toBe(200);
      sessions.reviewer = await signIn(REVIEWER);
    });
    afterAll(async () => {
      await server?.stop();
      await rx?.close();
      await drop();
    });

    async function signIn(who: { username: string; password: string }) {
      const r = await fetch(`${server.url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.url }, body: JSON.stringify(who) });
      expect(r.status).toBe(200);
      const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
      const me = (await (await fetch(`${server.url}/console/api/session`, { headers: { cookie } })).json()) as { csrfToken: string };
      return { cookie, csrf: me.csrfToken };
    }
    async function consolePost(s: { cookie: string; csrf: string }, p: string, body: unknown = {}) {
      const r = await fetch(`${server.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: s.cookie, origin: server.url, 'x-csrf-token': s.csrf }, body: JSON.stringify(body) });
      return { status: r.status, body: (await r.json().catch(() => ({}))) as Record<string, any> };
    }
    const consoleGet = async (p: string) => (await (await fetch(`${server.url}${p}`, { headers: { cookie: sessions.reviewer!.cookie } })).json()) as Record<string, any>;
    /** The review queue as the console lists it (records awaiting review) for this scene. */
    const queue = async () => ((await consoleGet(`/console/api/records?status=review&biz=${BIZ}`)).rows as { id: string; ticketId: string; statusCode: number; review: string }[]);
    const trail = async (taskId: string) => ((await consoleGet(`/console/api/records/${taskId}`)).audit as { actor: string; event: string; detail: Record<string, any> | null }[]);

    /** A final machine failure through the real H5 endpoints: start the one attempt, give it up. */
    const abandon = async (token: string) => {
      const h = { 'content-type': 'application/json', 'x-verify-token': token };
      const s = (await (await fetch(`${server.url}/api/h5/start`, { method: 'POST', headers: h, body: JSON.stringify({ camera: { label: 'Integrated Camera' } }) })).json()) as { attemptId: string };
      const a = (await (await fetch(`${server.url}/api/h5/abort`, { method: 'POST', headers: h, body: JSON.stringify({ attemptId: s.attemptId, reason: 'USER_CANCELLED' }) })).json()) as { outcome: string };
      // The page is told the machine's outcome; the partner waits for the reviewer's.
      expect(a.outcome).toBe('failed');
    };
    /** Our signature header: HMAC-SHA256(AccessKey secret, "<timestamp>\n<delivery id>\n<full URL>") (README "Callbacks"). */
    const expectSigned = (hit: (typeof rx.hits)[number]) => {
      const full = `${rx.origin}${hit.url.pathname}${hit.url.search}`;
      const expected = crypto.createHmac('sha256', KEY.secret).update(`${hit.headers['x-cloudauth-timestamp']}\n${hit.headers['x-cloudauth-delivery']}\n${full}`).digest('hex');
      expect(hit.headers['x-cloudauth-accesskeyid']).toBe(KEY.id);
      expect(hit.headers['x-cloudauth-signature']).toBe(expected);
    };
    const decide = async (taskId: string, verdict: 'approve' | 'reject', reason: string) => {
      expect((await consolePost(sessions.reviewer!, `/console/api/reviews/${taskId}/claim`)).status).toBe(200);
      return consolePost(sessions.reviewer!, `/console/api/reviews/${taskId}/decide`, { verdict, reason });
    };
    /** After a verdict: the trail names the reviewer, holds exactly one callback (the verdict's) and its one delivery. */
    const expectTrail = async (taskId: string, event: 'review.approved' | 'review.rejected', statusCode: 1 | 2) => {
      const t = await until(async () => {
        const x = await trail(taskId);
        return x.some((e) => e.event === 'callback.delivered') && x;
      });
      const events = t.map((e) => e.event);
      expect(t.find((e) => e.event === event)?.actor).toBe(`operator:${REVIEWER.username}`);
      expect(t.filter((e) => e.event === 'callback.queued').map((e) => e.detail?.statusCode)).toEqual([statusCode]);
      expect(events.indexOf('callback.queued')).toBeGreaterThan(events.indexOf('review.queued'));
      expect(t.filter((e) => e.event === 'callback.attempt').map((e) => e.detail?.ok)).toEqual([true]);
    };
    /**
     * Held: in the review queue, nothing queued for the partner and nothing received. The
     * dispatcher polls every 100 ms, so a second of silence means nothing was sent.
     */
    const expectHeld = async (taskId: string, received: () => unknown[]) => {
      expect((await queue()).map((r) => r.id)).toContain(taskId);
      await sleep(1000);
      expect(received()).toHaveLength(0);
      const events = (await trail(taskId)).map((e) => e.event);
      expect(events).toContain('review.queued');
      expect(events).not.toContain('callback.queued');
    };
    /** The verdict is the only callback: a second later still exactly one request arrived. */
    const expectOnce = async (received: () => unknown[]) => {
      await sleep(1000);
      expect(received()).toHaveLength(1);
    };

    /** DescribeVerifyToken with a CallbackUrl, then the one attempt given up: held for a reviewer. */
    async function heldTokenVerification(label: string, callbackPath = '/seed?partner=1') {
      const bizId = `${label}-${Date.now()}`;
      const t = await c19.describeVerifyToken(new $C.DescribeVerifyTokenRequest({ bizType: BIZ, bizId, name: '张三', callbackUrl: `${rx.origin}${callbackPath}`, callbackSeed: `seed-${label}` }));
      await abandon(t.body!.verifyToken!);
      const status = async () => ((await c18.request('GetStatus', { Biz: BIZ, TicketId: bizId }, { method: 'POST' })) as { Data: { StatusCode: number; AuditConclusions: string } }).Data;
      const verifyStatus = async () => (await c19.describeVerifyResult(new $C.DescribeVerifyResultRequest({ bizType: BIZ, bizId }))).body?.verifyStatus;
      expect((await status()).StatusCode).toBe(0);
      expect(await verifyStatus()).toBe(0);
      const row = (await queue()).find((r) => r.ticketId === bizId)!;
      expect(row).toMatchObject({ statusCode: 0, review: 'pending' });
      const received = () => rx.hits.filter((h) => h.url.searchParams.get('bizId') === bizId);
      await expectHeld(row.id, received);
      return { bizId, taskId: row.id, status, verifyStatus, received, token: t.body!.verifyToken! };
    }
    /** The verify page reopened from the partner's link, as the server renders it (English). */
    const reopened = async (token: string) => {
      const html = await (await fetch(`${server.url}/verify?token=${token}&lang=en&failRedirect=${encodeURIComponent(`${rx.origin}/failed`)}`)).text();
      return { decided: /data-decided="([a-z]+)"/.exec(html)?.[1], html };
    };

    it('approve: held (GetStatus 0, no callback) → reviewer approves → GetStatus 1 and the callback says verifyStatus 1', async () => {
      const v = await heldTokenVerification('approve');
      // The person who reopens the link is told it is under review, not that it failed, and is not sent to the partner's failure page.
      const held = await reopened(v.token);
      expect(held.decided).toBe('review');
      expect(held.html).toContain('Under review');
      expect(held.html).not.toContain('Verification failed');
      expect(held.html).not.toContain(`${rx.origin}/failed`);
      expect((await decide(v.taskId, 'approve', 'same person; the machine failure was a cancelled attempt')).body).toEqual({ ok: true, statusCode: 1 });
      expect((await reopened(v.token)).decided).toBe('passed');
      const hit = await until(() => v.received()[0]);
      expect(hit.url.pathname).toBe('/seed');
      expect(Object.fromEntries(hit.url.searchParams)).toEqual({ partner: '1', bizType: BIZ, bizId: v.bizId, verifyStatus: '1', callbackSeed: 'seed-approve' });
      expectSigned(hit);
      expect(await v.status()).toMatchObject({ StatusCode: 1, AuditConclusions: '' });
      expect(await v.verifyStatus()).toBe(1);
      await expectTrail(v.taskId, 'review.approved', 1);
      await expectOnce(v.received);
      expect((await queue()).map((r) => r.id)).not.toContain(v.taskId);
    });

    it('reject: held → reviewer rejects → GetStatus 2 with the machine’s reason, and the callback says verifyStatus 2', async () => {
      const v = await heldTokenVerification('reject');
      expect((await reopened(v.token)).decided).toBe('review');
      expect((await decide(v.taskId, 'reject', 'not the person on the reference photo')).body).toEqual({ ok: true, statusCode: 2 });
      expect((await reopened(v.token)).decided).toBe('failed');
      const hit = await until(() => v.received()[0]);
      expect(Object.fromEntries(hit.url.searchParams)).toEqual({ partner: '1', bizType: BIZ, bizId: v.bizId, verifyStatus: '2', callbackSeed: 'seed-reject' });
      expectSigned(hit);
      // A machine failure rejected keeps the machine's reason (README "Manual review").
      expect(await v.status()).toMatchObject({ StatusCode: 2, AuditConclusions: 'USER_CANCELLED' });
      expect(await v.verifyStatus()).toBe(2);
      await expectTrail(v.taskId, 'review.rejected', 2);
      await expectOnce(v.received);
      // The partner's seed is never in the trail the console shows.
      expect(JSON.stringify(await trail(v.taskId))).not.toContain('seed-reject');
    });

    it('/metrics: the outbox depth, and an attempt the partner answers with HTTP 500 counted as a failure', async () => {
      const metric = async (series: string) => {
        const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-review-callbacks' } })).text();
        const line = text.split('\n').find((l) => l.startsWith(`${series} `));
        return line === undefined ? null : Number(line.slice(series.length + 1));
      };
      const failures = async () => (await metric('cloudauth_callback_failures_total{kind="http_5xx"}')) ?? 0;
      // Earlier verdicts were all delivered: nothing waits.
      expect(await metric('cloudauth_callback_outbox_depth')).toBe(0);
      const before = { failures: await failures(), delivered: await metric('cloudauth_callbacks_delivered_total') };
      const v = await heldTokenVerification('down', '/down');
      expect((await decide(v.taskId, 'approve', 'same person')).body).toEqual({ ok: true, statusCode: 1 });
      await until(() => v.received()[0]);
      // The counter moves once the failed attempt is stored (just after the receiver answered).
      await until(async () => (await failures()) === before.failures + 1);
      const attempts = (await trail(v.taskId)).filter((e) => e.event === 'callback.attempt');
      expect(attempts.map((e) => [e.detail?.ok, e.detail?.status])).toEqual([[false, 500]]);
      // Backing off (10 s before the next attempt): still waiting, and nothing counted as delivered.
      expect(await metric('cloudauth_callback_outbox_depth')).toBe(1);
      expect(await metric('cloudauth_callbacks_delivered_total')).toBe(before.delivered);
    });

    // InitFaceVerify needs a comparison picture with a face (checked at intake): real media.
    it.skipIf(!hasMedia)('InitFaceVerify: held (DescribeFaceVerify 424) → reviewer approves → the callback turns passed T, subcode 200', async () => {
      const r = await c19.initFaceVerify(new $C.InitFaceVerifyRequest({ sceneId: SCENE_ID, outerOrderNo: `face-${Date.now()}`, productCode: 'ID_PRO', faceContrastPicture: fs.readFileSync(path.join(MEDIA, OBAMA)).toString('base64'), callbackUrl: `${rx.origin}/cb`, callbackToken: 'tok-face' }));
      expect(r.body?.code).toBe('200');
      const { certifyId, certifyUrl } = r.body!.resultObject!;
      await abandon(new URL(certifyUrl!).searchParams.get('token')!);
      const describeFv = () => c19.describeFaceVerify(new $C.DescribeFaceVerifyRequest({ sceneId: SCENE_ID, certifyId }));
      expect((await describeFv()).body?.code).toBe('424');
      const held = await queue();
      expect(held).toHaveLength(1);
      const taskId = held[0]!.id;
      const received = () => rx.hits.filter((h) => h.url.searchParams.get('certifyId') === certifyId);
      await expectHeld(taskId, received);

      expect((await decide(taskId, 'approve', 'the reviewer saw the same person')).body).toEqual({ ok: true, statusCode: 1 });
      const hit = await until(() => received()[0]);
      expect(hit.url.pathname).toBe('/cb');
      expect(Object.fromEntries(hit.url.searchParams)).toEqual({ certifyId, passed: 'T', subcode: '200', callbackToken: 'tok-face' });
      expectSigned(hit);
      expect((await describeFv()).body?.resultObject).toMatchObject({ passed: 'T', subCode: '200' });
      await expectTrail(taskId, 'review.approved', 1);
      await expectOnce(received);
    });
  });
}
