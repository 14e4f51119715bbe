// The 2019-03-07 API through the official @alicloud/cloudauth20190307 client, against the real
// built app on SQLite and (when reachable) PostgreSQL: every action, the documented error codes,
// callbacks from the durable outbox to a local HTTP receiver (forced failure then recovery,
// restart survival, SSRF refusal), and the pure-server actions on real image pairs.
// Needs ../shared/media (real faces); the browser flow is in e2e/cloudauth-2019.test.ts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Cloudauth, * as $C from '@alicloud/cloudauth20190307';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './helpers/server';
import { createTestDatabase, postgresAvailable } from './helpers/postgres';
import { GOOD_ID } from './helpers/rpc';
import { until } from './helpers/until';

const MEDIA = path.resolve(__dirname, '../../shared/media');
const hasMedia = fs.existsSync(path.join(MEDIA, 'pairs'));
if (!hasMedia) console.warn(`[skip] cloudauth 2019-03-07 tests: test media not found at ${MEDIA}`);
const pgUp = await postgresAvailable();
if (!pgUp) console.warn('[skip] cloudauth 2019-03-07 tests on PostgreSQL: no server at TEST_PG_URL');

const img = (rel: string) => fs.readFileSync(path.join(MEDIA, rel));
const OBAMA = 'pairs/face_recognition/obama/obama.jpg';
const OBAMA2 = 'pairs/face_recognition/obama/obama2.jpg';
const BIDEN = 'pairs/face_recognition/biden/biden.jpg';
const PRINT = 'spoof/silent-face/image_F1_upright.jpg';

const Client = ((Cloudauth as unknown as { default?: typeof Cloudauth }).default ?? Cloudauth) as unknown as new (c: $OpenApiUtil.Config) => Cloudauth;
const KEY = { id: 'LTAIcloudauth2019', secret: 'cloudauth-2019-test-secret-0123456789' };
const SCENE_ID = 1000001;

/** A partner's server: records every callback, can be told to fail, and serves test images. */
function startReceiver() {
  const hits: { url: URL; headers: http.IncomingHttpHeaders; answered: number }[] = [];
  const state = { failing: false };
  const srv = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/img/')) {
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(img(decodeURIComponent(url.pathname.slice(5))));
      return;
    }
    const answered = state.failing ? 500 : 200;
    hits.push({ url, headers: req.headers, answered });
    res.writeHead(answered).end(answered === 200 ? 'ok' : 'down');
  });
  return new Promise<{ origin: string; hits: typeof hits; state: typeof state; close(): Promise<void> }>((resolve) =>
    srv.listen(0, '127.0.0.1', () => resolve({ origin: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, hits, state, close: () => new Promise((r) => srv.close(() => r())) })),
  );
}


function suite(label: string, database: () => Promise<{ env: Record<string, string>; audit(server: RunningServer, certifyId: string): Promise<{ event: string; detail: any }[]>; drop?(): Promise<void> }>) {
  describe.skipIf(!hasMedia)(`2019-03-07 API (${label})`, () => {
    let server: RunningServer;
    let rx: Awaited<ReturnType<typeof startReceiver>>;
    let db: Awaited<ReturnType<typeof database>>;
    let client: Cloudauth;

    beforeAll(async () => {
      rx = await startReceiver();
      db = await database();
      server = await startServer({
        env: {
          ...db.env,
          CLOUDAUTH_FETCH_ALLOWLIST: '127.0.0.1',
          CLOUDAUTH_FETCH_PRIVATE_NETWORKS: '127.0.0.1/32',
          CLOUDAUTH_CALLBACK_BASE_DELAY_MS: '300',
          CLOUDAUTH_CALLBACK_MAX_DELAY_MS: '600',
          CLOUDAUTH_CALLBACK_POLL_MS: '100',
        },
        provision: {
          accessKeys: [KEY],
          scenes: [
            // One attempt: an abandoned attempt is a final decision, so the tests decide without a camera.
            { biz: 'c19', sceneId: SCENE_ID, liveness: { actions: ['blink', 'turn_left', 'turn_right', 'nod'], count: 2, timeoutSeconds: 60 }, maxAttempts: 1, redirectOrigins: ['https://partner.example'], callbackOrigins: [rx.origin, 'http://10.20.30.40:8080'] },
            // VerifyMaterial decides from photos alone: only a materials scheme may (a liveness scene refuses it).
            { biz: 'c19-rpmin', scheme: 'RPMin', maxAttempts: 3 },
          ],
        },
      });
      client = new Client(new $OpenApiUtil.Config({ accessKeyId: KEY.id, accessKeySecret: KEY.secret, endpoint: `127.0.0.1:${server.port}`, protocol: 'http', readTimeout: 60_000, connectTimeout: 30_000 }));
    });
    afterAll(async () => {
      await server?.stop();
      await rx?.close();
      await db?.drop?.();
    });

    const init = (p: Partial<$C.InitFaceVerifyRequest> = {}) =>
      client.initFaceVerify(new $C.InitFaceVerifyRequest({ sceneId: SCENE_ID, outerOrderNo: `o${Date.now()}${Math.floor(Math.random() * 1e6)}`, productCode: 'ID_PRO', faceContrastPicture: img(OBAMA).toString('base64'), ...p }));
    const describeFv = (certifyId: string) => client.describeFaceVerify(new $C.DescribeFaceVerifyRequest({ sceneId: SCENE_ID, certifyId }));
    const tokenOf = (certifyUrl: string) => new URL(certifyUrl).searchParams.get('token')!;
    /** A final decision through the real H5 endpoints: start an attempt, give it up (maxAttempts 1). */
    const abandon = async (token: string) => {
      const h = { 'content-type': 'application/json', 'x-verify-token': token };
      const s = (await (await fetch(`${server.url}/api/h5/start`, { method: 'POST', headers: h, body: JSON.stringify({ camera: { label: 'Integrated Camera' } }) })).json()) as { attemptId: string };
      const a = (await (await fetch(`${server.url}/api/h5/abort`, { method: 'POST', headers: h, body: JSON.stringify({ attemptId: s.attemptId, reason: 'USER_CANCELLED' }) })).json()) as { outcome: string };
      expect(a.outcome).toBe('failed');
    };
    const hitsFor = (key: string, value: string) => rx.hits.filter((h) => h.url.searchParams.get(key) === value);

    it('InitFaceVerify: documented Codes for wrong input, HTTP 200 with the envelope', async () => {
      const missing = await client.initFaceVerify(new $C.InitFaceVerifyRequest({ sceneId: SCENE_ID, productCode: 'ID_PRO', faceContrastPicture: 'x' }));
      expect(missing.statusCode).toBe(200);
      expect(missing.body).toMatchObject({ code: '400' });
      expect(missing.body?.message).toContain('OuterOrderNo');
      expect(missing.body?.requestId).toMatch(/^[0-9A-F-]{36}$/);
      expect((await init({ sceneId: 424242 })).body?.code).toBe('404');
      expect((await init({ productCode: 'NOPE' })).body?.code).toBe('401');
      expect((await init({ model: 'SMILE' })).body?.code).toBe('401');
      expect((await init({ certNo: '110105194912310021' })).body?.code).toBe('401');
      expect((await init({ certType: 'PASSPORT' })).body?.code).toBe('401');
      expect((await init({ metaInfo: 'not json' })).body?.code).toBe('401');
      const oss = await init({ faceContrastPicture: undefined, ossBucketName: 'b', ossObjectName: 'o.jpg' });
      expect(oss.body?.code).toBe('410');
      expect(oss.body?.message).toContain('OSS is not supported');
      expect((await init({ faceContrastPicture: undefined })).body?.code).toBe('417');
      expect((await init({ faceContrastPicture: '!!notbase64!!' })).body?.code).toBe('401');
      expect((await init({ returnUrl: 'https://evil.example/x' })).body?.code).toBe('401');
      expect((await describeFv('0'.repeat(32))).body?.code).toBe('406');
      // The 2019 actions exist only under their version.
      const r = await fetch(`${server.url}/?Action=InitFaceVerify&Version=2018-09-16&Format=JSON`);
      expect(r.status).toBe(404);
    });

    it('InitFaceVerify → CertifyId, CertifyUrl (our page, ReturnUrl attached); DescribeFaceVerify 424 until decided', async () => {
      const r = await init({ returnUrl: 'https://partner.example/back', certName: '张三', certNo: GOOD_ID, certType: 'IDENTITY_CARD', model: 'MULTI_ACTION', metaInfo: JSON.stringify({ deviceType: 'h5', ua: 'test' }), certifyUrlType: 'H5' });
      expect(r.body?.code).toBe('200');
      const { certifyId, certifyUrl } = r.body!.resultObject!;
      expect(certifyId).toMatch(/^[0-9a-f]{32}$/);
      expect(certifyUrl!.startsWith(`${server.url}/verify?token=`)).toBe(true);
      expect(new URL(certifyUrl!).searchParams.get('successRedirect')).toBe('https://partner.example/back');
      expect(certifyUrl).not.toContain(certifyId!);
      expect((await describeFv(certifyId!)).body?.code).toBe('424');
      // Another SceneId does not read it.
      expect((await client.describeFaceVerify(new $C.DescribeFaceVerifyRequest({ sceneId: SCENE_ID + 1, certifyId }))).body?.code).toBe('406');
      // FaceContrastPictureUrl through the allow-listed fetcher.
      const u = await init({ faceContrastPicture: undefined, faceContrastPictureUrl: `${rx.origin}/img/${encodeURIComponent(OBAMA2)}` });
      expect(u.body?.code).toBe('200');
    });

    it('callbacks: only to callbackOrigins, never to a private address not listed by the operator', async () => {
      const other = await init({ callbackUrl: 'https://elsewhere.example/cb' });
      expect(other.body?.code).toBe('401');
      expect(other.body?.message).toContain('callbackOrigins');
      const inside = await init({ callbackUrl: 'http://10.20.30.40:8080/cb' });
      expect(inside.body?.code).toBe('401');
      expect(inside.body?.message).toContain('private');
      const creds = await init({ callbackUrl: `http://u:p@${rx.origin.slice(7)}/cb` });
      expect(creds.body?.code).toBe('401');
    });

    it('callback: receiver down then up → delivered exactly once, signed, every attempt in the audit trail', async () => {
      rx.state.failing = true;
      const r = await init({ callbackUrl: `${rx.origin}/cb?x=1`, callbackToken: 'tok-123' });
      const certifyId = r.body!.resultObject!.certifyId!;
      await abandon(tokenOf(r.body!.resultObject!.certifyUrl!));
      await until(() => hitsFor('certifyId', certifyId).length >= 2);
      rx.state.failing = false;
      await until(() => hitsFor('certifyId', certifyId).some((h) => h.answered === 200));
      await new Promise((res) => setTimeout(res, 1500));
      const hits = hitsFor('certifyId', certifyId);
      expect(hits.filter((h) => h.answered === 200)).toHaveLength(1);
      const ok = hits.find((h) => h.answered === 200)!;
      expect(Object.fromEntries(ok.url.searchParams)).toEqual({ x: '1', certifyId, passed: 'F', subcode: '205', callbackToken: 'tok-123' });
      // Our signature: HMAC-SHA256(AccessKey secret, "<timestamp>\n<delivery id>\n<full URL>").
      const full = `${rx.origin}${ok.url.pathname}${ok.url.search}`;
      const expected = crypto.createHmac('sha256', KEY.secret).update(`${ok.headers['x-cloudauth-timestamp']}\n${ok.headers['x-cloudauth-delivery']}\n${full}`).digest('hex');
      expect(ok.headers['x-cloudauth-signature']).toBe(expected);
      expect(ok.headers['x-cloudauth-accesskeyid']).toBe(KEY.id);
      expect(new Set(hits.map((h) => h.headers['x-cloudauth-delivery'])).size).toBe(1);
      const trail = await db.audit(server, certifyId);
      const attempts = trail.filter((e) => e.event === 'callback.attempt');
      expect(attempts.length).toBe(hits.length);
      expect(attempts.filter((e) => e.detail.ok === false).length).toBeGreaterThanOrEqual(2);
      expect(attempts.filter((e) => e.detail.ok === true)).toHaveLength(1);
      expect(trail.filter((e) => e.event === 'callback.delivered')).toHaveLength(1);
      expect(JSON.stringify(trail)).not.toContain('tok-123');
      const d = await describeFv(certifyId);
      expect(d.body?.resultObject).toMatchObject({ passed: 'F', subCode: '205' });
      expect(typeof JSON.parse(d.body!.resultObject!.materialInfo!)).toBe('object');
      expect(d.body?.resultObject?.deviceToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    });

    it('callback: a decision made while the receiver is down is delivered after a server restart', async () => {
      rx.state.failing = true;
      const r = await init({ callbackUrl: `${rx.origin}/cb`, callbackToken: 'tok-restart' });
      const certifyId = r.body!.resultObject!.certifyId!;
      await abandon(tokenOf(r.body!.resultObject!.certifyUrl!));
      await until(() => hitsFor('certifyId', certifyId).length >= 1);
      await server.stop();
      rx.state.failing = false;
      await server.restart();
      await until(() => hitsFor('certifyId', certifyId).some((h) => h.answered === 200), 30_000);
      await new Promise((res) => setTimeout(res, 1000));
      expect(hitsFor('certifyId', certifyId).filter((h) => h.answered === 200)).toHaveLength(1);
    });

    it('LivenessFaceVerify / ContrastFaceVerify / CompareFaceVerify on real pairs; DeleteFaceVerifyResult deletes images and scores', async () => {
      const live = await client.livenessFaceVerify(new $C.LivenessFaceVerifyRequest({ sceneId: SCENE_ID, outerOrderNo: 'lv1', productCode: 'LR_FR', faceContrastPicture: img(OBAMA).toString('base64') }));
      expect(live.body).toMatchObject({ code: '200', resultObject: { passed: 'T', subCode: '200' } });
      const a = live.body!.resultObject!.certifyId!;
      expect(JSON.parse(live.body!.resultObject!.materialInfo!)).toMatchObject({ faceAttack: 'F' });
      const print = await client.livenessFaceVerify(new $C.LivenessFaceVerifyRequest({ sceneId: SCENE_ID, faceContrastPicture: img(PRINT).toString('base64') }));
      expect(print.body?.resultObject).toMatchObject({ passed: 'F', subCode: '205' });
      expect(JSON.parse(print.body!.resultObject!.materialInfo!)).toMatchObject({ faceAttack: 'T' });

      const same = await client.contrastFaceVerify(new $C.ContrastFaceVerifyRequest({ sceneId: SCENE_ID, certifyId: a, faceContrastPicture: img(OBAMA2).toString('base64') }));
      expect(same.body?.resultObject).toMatchObject({ passed: 'T', subCode: '200' });
      expect(JSON.parse(same.body!.resultObject!.materialInfo!).verifyScore).toBeGreaterThan(80);
      const other = await client.contrastFaceVerify(new $C.ContrastFaceVerifyRequest({ sceneId: SCENE_ID, certifyId: a, faceContrastPicture: img(BIDEN).toString('base64') }));
      expect(other.body?.resultObject).toMatchObject({ passed: 'F', subCode: '204' });
      const none = await client.contrastFaceVerify(new $C.ContrastFaceVerifyRequest({ sceneId: SCENE_ID, faceContrastPicture: img(BIDEN).toString('base64') }));
      expect(none.body?.resultObject).toMatchObject({ passed: 'F', subCode: '203' });

      const cmp = await client.compareFaceVerify(new $C.CompareFaceVerifyRequest({ sceneId: SCENE_ID, sourceFaceContrastPicture: img(OBAMA).toString('base64'), targetFaceContrastPicture: img(OBAMA2).toString('base64') }));
      expect(cmp.body?.resultObject?.passed).toBe('T');
      expect(typeof cmp.body?.resultObject?.verifyScore).toBe('number');
      const cmp2 = await client.compareFaceVerify(new $C.CompareFaceVerifyRequest({ sceneId: SCENE_ID, sourceCertifyId: a, targetFaceContrastPictureUrl: `${rx.origin}/img/${encodeURIComponent(BIDEN)}` }));
      expect(cmp2.body?.resultObject?.passed).toBe('F');
      expect(cmp2.body!.resultObject!.verifyScore!).toBeLessThan(cmp.body!.resultObject!.verifyScore!);
      expect((await client.compareFaceVerify(new $C.CompareFaceVerifyRequest({ sceneId: SCENE_ID, sourceOssBucketName: 'b', targetFaceContrastPicture: 'x' }))).body?.code).toBe('410');

      // The kept face is served through an expiring signed URL.
      const before = await describeFv(a);
      const url = JSON.parse(before.body!.resultObject!.materialInfo!).facialPictureFront.pictureUrl as string;
      const pic = await fetch(url);
      expect(pic.headers.get('content-type')).toBe('image/jpeg');

      const del = await client.deleteFaceVerifyResult(new $C.DeleteFaceVerifyResultRequest({ certifyId: a }));
      expect(del.body?.resultObject).toMatchObject({ certifyId: a, deleteResult: 'T' });
      expect((await fetch(url)).status).toBe(404);
      const after = await describeFv(a);
      expect(after.body?.resultObject).toMatchObject({ passed: 'T', subCode: '200' });
      expect(JSON.parse(after.body!.resultObject!.materialInfo!).facialPictureFront).toBeUndefined();
      expect((await client.contrastFaceVerify(new $C.ContrastFaceVerifyRequest({ sceneId: SCENE_ID, certifyId: a, faceContrastPicture: img(OBAMA2).toString('base64') }))).body?.code).toBe('417');
      const trail = await db.audit(server, a);
      expect(trail.map((e) => e.event)).toContain('verification.data_deleted');
      expect(JSON.stringify(trail)).not.toMatch(/"livenessScore"/);
    });

    it('DescribeVerifyToken → VerifyPageUrl; decision → callback with callbackSeed; DescribeVerifyResult; VerifyMaterial', async () => {
      const bizId = `biz-${Date.now()}`;
      const t = await client.describeVerifyToken(
        new $C.DescribeVerifyTokenRequest({ bizType: 'c19', bizId, name: '张三', idCardNumber: GOOD_ID, faceRetainedImageUrl: `${rx.origin}/img/${encodeURIComponent(OBAMA)}`, passedRedirectUrl: 'https://partner.example/ok', failedRedirectUrl: 'https://partner.example/ko', callbackUrl: `${rx.origin}/seed`, callbackSeed: 'seed-42' }),
      );
      expect(t.body?.verifyToken).toMatch(/^[0-9a-f]{64}$/);
      const page = new URL(t.body!.verifyPageUrl!);
      expect(page.searchParams.get('successRedirect')).toBe('https://partner.example/ok');
      expect(page.searchParams.get('failRedirect')).toBe('https://partner.example/ko');
      expect((await client.describeVerifyResult(new $C.DescribeVerifyResultRequest({ bizType: 'c19', bizId }))).body?.verifyStatus).toBe(-1);
      const bad = await client.describeVerifyToken(new $C.DescribeVerifyTokenRequest({ bizType: 'c19', bizId: `${bizId}-x`, passedRedirectUrl: 'https://evil.example/' })).then(() => null, (e: { statusCode?: number; code?: string }) => e);
      expect(bad).toMatchObject({ statusCode: 400, code: 'InvalidParameter' });
      await abandon(t.body!.verifyToken!);
      const hit = await until(() => rx.hits.find((h) => h.url.pathname === '/seed' && h.url.searchParams.get('bizId') === bizId && h.answered === 200));
      expect(Object.fromEntries(hit.url.searchParams)).toEqual({ bizType: 'c19', bizId, verifyStatus: '2', callbackSeed: 'seed-42' });
      const res = await client.describeVerifyResult(new $C.DescribeVerifyResultRequest({ bizType: 'c19', bizId }));
      expect(res.body?.verifyStatus).toBe(2);
      expect(res.body?.material?.idCardName).toBe('张三');
      const unknown = await client.describeVerifyResult(new $C.DescribeVerifyResultRequest({ bizType: 'c19', bizId: 'nope' })).then(() => null, (e: { statusCode?: number }) => e);
      expect(unknown?.statusCode).toBe(404);

      const vm = await client.verifyMaterial(new $C.VerifyMaterialRequest({ bizType: 'c19-rpmin', bizId: `${bizId}-vm`, name: '张三', idCardNumber: GOOD_ID, faceImageUrl: `${rx.origin}/img/${encodeURIComponent(OBAMA)}`, idCardFrontImageUrl: `${rx.origin}/img/${encodeURIComponent(OBAMA2)}` }));
      expect(vm.body?.verifyStatus).toBe(1);
      expect(vm.body?.idCardFaceComparisonScore).toBeGreaterThan(80);
      expect(vm.body?.material?.faceImageUrl).toContain('/media/');
      const vm2 = await client.verifyMaterial(new $C.VerifyMaterialRequest({ bizType: 'c19-rpmin', bizId: `${bizId}-vm2`, name: '张三', idCardNumber: GOOD_ID, faceImageUrl: `${rx.origin}/img/${encodeURIComponent(BIDEN)}`, idCardFrontImageUrl: `${rx.origin}/img/${encodeURIComponent(OBAMA2)}` }));
      expect(vm2.body?.verifyStatus).toBe(2);
      // …and a liveness scene can never be completed from photos.
      const refused = await client.verifyMaterial(new $C.VerifyMaterialRequest({ bizType: 'c19', bizId: `${bizId}-vm3`, name: '张三', idCardNumber: GOOD_ID, faceImageUrl: `${rx.origin}/img/${encodeURIComponent(OBAMA)}`, idCardFrontImageUrl: `${rx.origin}/img/${encodeURIComponent(OBAMA2)}` })).then(() => null, (e: { statusCode?: number; code?: string }) => e);
      expect(refused).toMatchObject({ statusCode: 403, code: 'Error.NoPermissionAccess' });
    });

    it('a callback whose host the operator no longer lets it reach is refused at delivery, nothing is sent', async () => {
      const r = await init({ callbackUrl: `${rx.origin}/late`, callbackToken: 'tok-late' });
      const certifyId = r.body!.resultObject!.certifyId!;
      await server.stop();
      delete server.env.CLOUDAUTH_FETCH_PRIVATE_NETWORKS;
      await server.restart();
      await abandon(tokenOf(r.body!.resultObject!.certifyUrl!));
      const trail = await until(async () => {
        const t = await db.audit(server, certifyId);
        return t.some((e) => e.event === 'callback.refused') && t;
      });
      expect(trail.find((e) => e.event === 'callback.attempt')?.detail.error).toBe('private_address');
      expect(hitsFor('certifyId', certifyId)).toHaveLength(0);
    });
  });
}

const auditQuery = `select event, detail from audit_events where task_id = (select task_id from certify_ids where certify_id = $1) order by created_at, id`;

suite('SQLite', async () => ({
  env: {},
  // The server's own file, read-only, as an auditor would read it.
  async audit(server: RunningServer, certifyId: string) {
    const d = new Database(path.join(server.dataDir, 'cloudauth.sqlite'), { readonly: true });
    try {
      return (d.prepare(auditQuery.replace('$1', '?')).all(certifyId) as { event: string; detail: string | null }[]).map((r) => ({ event: r.event, detail: r.detail ? JSON.parse(r.detail) : null }));
    } finally {
      d.close();
    }
  },
}));

if (pgUp) {
  suite('PostgreSQL', async () => {
    const t = await createTestDatabase();
    return {
      env: { DATABASE_URL: t.url },
      drop: t.drop,
      async audit(_server: RunningServer, certifyId: string) {
        const c = new pg.Client({ connectionString: t.url });
        await c.connect();
        try {
          const r = await c.query(auditQuery, [certifyId]);
          return r.rows.map((x: { event: string; detail: string | null }) => ({ event: x.event, detail: x.detail ? JSON.parse(x.detail) : null }));
        } finally {
          await c.end();
        }
      },
    };
  });
}
