// The 2019-03-07 API end to end through the official @alicloud/cloudauth20190307 client: the real
// built app, system Chromium with a fake camera playing real clips (../shared/media, never
// committed), a local partner server that is the ReturnUrl, the callback receiver and the image
// host. Four browser flows, each with its own clip (the server refuses replayed frames):
// InitFaceVerify same person / other person, DescribeVerifyToken same person / other person.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Cloudauth, * as $C from '@alicloud/cloudauth20190307';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../tests/helpers/server';
import { GOOD_ID } from '../tests/helpers/rpc';
import { attemptTrail, launch, missingPrerequisite, phonePage, still, tempDir, video } from './helpers';
import { oneCameraSuiteAtATime } from './camera-suite-lock';

const missing = missingPrerequisite();
if (missing) console.warn(`[skip] cloudauth 2019-03-07 e2e flows: ${missing}`);

const Client = ((Cloudauth as unknown as { default?: typeof Cloudauth }).default ?? Cloudauth) as unknown as new (c: $OpenApiUtil.Config) => Cloudauth;
const KEY = { id: 'LTAIe2eCloudauth2019', secret: 'e2e-cloudauth-2019-secret-0123456789' };
const SCENE_ID = 2000001;

/** The partner: return pages, callbacks (every request recorded with its query) and the reference images. */
function partner(imagesDir: string) {
  const hits: URL[] = [];
  const srv = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/img/')) {
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(fs.readFileSync(path.join(imagesDir, path.basename(url.pathname))));
      return;
    }
    hits.push(url);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>partner</title><p>back at the partner</p>');
  });
  return new Promise<{ origin: string; hits: URL[]; close(): Promise<void> }>((resolve) =>
    srv.listen(0, '127.0.0.1', () => resolve({ origin: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, hits, close: () => new Promise((r) => srv.close(() => r())) })),
  );
}

describe.skipIf(!!missing)('2019-03-07 API through the verify page (Chromium, fake camera, real faces)', () => {
  let server: RunningServer;
  let rx: Awaited<ReturnType<typeof partner>>;
  let client: Cloudauth;
  let tmp: string;
  const browsers: Browser[] = [];

  oneCameraSuiteAtATime();

  beforeAll(async () => {
    tmp = tempDir();
    rx = await partner(tmp);
    server = await startServer({
      env: { CLOUDAUTH_FETCH_ALLOWLIST: '127.0.0.1', CLOUDAUTH_FETCH_PRIVATE_NETWORKS: '127.0.0.1/32', CLOUDAUTH_CALLBACK_POLL_MS: '200', CLOUDAUTH_CALLBACK_BASE_DELAY_MS: '500' },
      provision: {
        accessKeys: [KEY],
        scenes: [{ biz: 'e2e-c19', sceneId: SCENE_ID, liveness: { actions: ['blink'], count: 1, timeoutSeconds: 60 }, securityLevel: 2, maxAttempts: 1, redirectOrigins: [rx.origin], callbackOrigins: [rx.origin] }],
      },
    });
    client = new Client(new $OpenApiUtil.Config({ accessKeyId: KEY.id, accessKeySecret: KEY.secret, endpoint: `127.0.0.1:${server.port}`, protocol: 'http', readTimeout: 60_000, connectTimeout: 30_000 }));
  });

  afterAll(async () => {
    for (const b of browsers) await b.close().catch(() => undefined);
    await server?.stop();
    await rx?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Opens the page with the given camera, presses the first button, waits to be back at `back`. */
  async function runToPartner(camera: string, url: string, back: string): Promise<string> {
    const browser = await launch(camera);
    browsers.push(browser);
    const page = await phonePage(browser);
    await page.goto(url);
    await page.getByRole('button').first().click();
    await page.waitForURL((u) => u.toString().startsWith(back), { timeout: 90_000 });
    const at = page.url();
    await browser.close();
    return at;
  }
  /** Callbacks are at least once; with a healthy receiver exactly one arrives per decision. */
  async function callbacksFor(pathname: string, key: string, value: string): Promise<URL[]> {
    const end = Date.now() + 15_000;
    while (Date.now() < end && !rx.hits.some((h) => h.pathname === pathname && h.searchParams.get(key) === value)) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 1500));
    return rx.hits.filter((h) => h.pathname === pathname && h.searchParams.get(key) === value);
  }
  const refImage = (clip: string, s: number) => {
    const file = `${clip}-${s}.jpg`;
    fs.writeFileSync(path.join(tmp, file), still(video(clip), s, tmp));
    return `${rx.origin}/img/${file}`;
  };

  const init = (ref: Buffer, order: string) =>
    client.initFaceVerify(new $C.InitFaceVerifyRequest({ sceneId: SCENE_ID, outerOrderNo: order, productCode: 'ID_PRO', model: 'LIVENESS', certType: 'IDENTITY_CARD', certName: '张三', certNo: GOOD_ID, faceContrastPicture: ref.toString('base64'), returnUrl: `${rx.origin}/return/${order}`, callbackUrl: `${rx.origin}/cb`, callbackToken: `tok-${order}`, metaInfo: JSON.stringify({ deviceType: 'h5' }) }));
  const describeFv = (certifyId: string) => client.describeFaceVerify(new $C.DescribeFaceVerifyRequest({ sceneId: SCENE_ID, certifyId }));

  it('InitFaceVerify → CertifyUrl → back on ReturnUrl → DescribeFaceVerify T / 200, picture served, one callback', async () => {
    const r = await init(still(video('v01_blink_glasses_man_webcam'), 3.0, tmp), 'same1');
    expect(r.body?.code).toBe('200');
    const { certifyId, certifyUrl } = r.body!.resultObject!;
    expect((await describeFv(certifyId!)).body?.code).toBe('424');
    expect(await runToPartner(video('v01_blink_glasses_man_webcam'), certifyUrl!, `${rx.origin}/return/same1`)).toBe(`${rx.origin}/return/same1`);
    const d = await describeFv(certifyId!);
    expect(d.body, attemptTrail(server.dataDir)).toMatchObject({ code: '200', resultObject: { passed: 'T', subCode: '200' } });
    const info = JSON.parse(d.body!.resultObject!.materialInfo!) as { verifyScore: number; faceAttack: string; facialPictureFront: { pictureUrl: string } };
    expect(info.verifyScore).toBeGreaterThan(80);
    expect(info.faceAttack).toBe('F');
    const pic = await fetch(info.facialPictureFront.pictureUrl);
    expect(pic.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await pic.arrayBuffer()).subarray(0, 3).toString('hex')).toBe('ffd8ff');
    const cbs = await callbacksFor('/cb', 'certifyId', certifyId!);
    expect(cbs).toHaveLength(1);
    expect(Object.fromEntries(cbs[0]!.searchParams)).toEqual({ certifyId, passed: 'T', subcode: '200', callbackToken: 'tok-same1' });
  }, 180_000);

  it("InitFaceVerify with a second person's reference → Passed F, SubCode 204, one callback", async () => {
    const r = await init(still(video('v03_mouth_open_man'), 6.8, tmp), 'other1');
    const { certifyId, certifyUrl } = r.body!.resultObject!;
    await runToPartner(video('v10_grin_gaze_blink_man_greenscreen'), certifyUrl!, `${rx.origin}/return/other1`);
    const d = await describeFv(certifyId!);
    expect(d.body?.resultObject, attemptTrail(server.dataDir)).toMatchObject({ passed: 'F', subCode: '204' });
    expect(JSON.parse(d.body!.resultObject!.materialInfo!).facialPictureFront?.pictureUrl).toBeUndefined();
    const cbs = await callbacksFor('/cb', 'certifyId', certifyId!);
    expect(cbs).toHaveLength(1);
    expect(cbs[0]!.searchParams.get('subcode')).toBe('204');
  }, 180_000);

  const token = (bizId: string, refUrl: string) =>
    client.describeVerifyToken(new $C.DescribeVerifyTokenRequest({ bizType: 'e2e-c19', bizId, name: '张三', idCardNumber: GOOD_ID, faceRetainedImageUrl: refUrl, passedRedirectUrl: `${rx.origin}/passed/${bizId}`, failedRedirectUrl: `${rx.origin}/failed/${bizId}`, callbackUrl: `${rx.origin}/seed`, callbackSeed: `seed-${bizId}` }));
  const result = (bizId: string) => client.describeVerifyResult(new $C.DescribeVerifyResultRequest({ bizType: 'e2e-c19', bizId }));

  it('DescribeVerifyToken → VerifyPageUrl → PassedRedirectUrl → DescribeVerifyResult 1, one callback with the seed', async () => {
    const t = await token('vt-same', refImage('v06_blinks_long_eye_closure_selfie_man', 2.5));
    expect((await result('vt-same')).body?.verifyStatus).toBe(-1);
    await runToPartner(video('v06_blinks_long_eye_closure_selfie_man'), t.body!.verifyPageUrl!, `${rx.origin}/passed/vt-same`);
    const r = await result('vt-same');
    expect(r.body, attemptTrail(server.dataDir)).toMatchObject({ verifyStatus: 1 });
    expect(r.body!.faceComparisonScore).toBeGreaterThan(80);
    const face = await fetch(r.body!.material!.faceImageUrl!);
    expect(face.headers.get('content-type')).toBe('image/jpeg');
    const cbs = await callbacksFor('/seed', 'bizId', 'vt-same');
    expect(cbs).toHaveLength(1);
    expect(Object.fromEntries(cbs[0]!.searchParams)).toEqual({ bizType: 'e2e-c19', bizId: 'vt-same', verifyStatus: '1', callbackSeed: 'seed-vt-same' });
  }, 180_000);

  it("DescribeVerifyToken with a second person's reference → FailedRedirectUrl, DescribeVerifyResult 2, one callback", async () => {
    const t = await token('vt-other', refImage('v14_smirks_one_eye_squints_glasses_man', 2.5));
    await runToPartner(video('v12_talking_mouth_open_gaze_blinks_woman'), t.body!.verifyPageUrl!, `${rx.origin}/failed/vt-other`);
    expect((await result('vt-other')).body, attemptTrail(server.dataDir)).toMatchObject({ verifyStatus: 2 });
    const cbs = await callbacksFor('/seed', 'bizId', 'vt-other');
    expect(cbs).toHaveLength(1);
    expect(cbs[0]!.searchParams.get('verifyStatus')).toBe('2');
  }, 180_000);
});
