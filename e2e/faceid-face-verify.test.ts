// FaceID (get_biz_token → page → get_result) and face_verify (init → page → query) end to end:
// the real built app, system Chromium with a fake camera playing real clips (../shared/media,
// never committed), the official clients (aliyun-api-gateway, @alicloud/pop-core). The page is
// driven only from the outside: the first button starts, and every flow ends with the browser
// back on the partner's return URL (the scenes allow one attempt, so a failure is final too).
import fs from 'node:fs';
import RPCClient from '@alicloud/pop-core';
import { Client, CONTENT_TYPE_FORM } from 'aliyun-api-gateway';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../tests/helpers/server';
import { GOOD_ID } from '../tests/helpers/rpc';
import { attemptTrail, launch, missingPrerequisite, partnerServer, phonePage, spoofLoop, still, tempDir, video } from './helpers';
import { oneCameraSuiteAtATime } from './camera-suite-lock';

const missing = missingPrerequisite();
if (missing) console.warn(`[skip] FaceID / face_verify e2e flows: ${missing}`);

const KEY = { id: 'LTAIe2eFaceIdFlows01', secret: 'e2e-faceid-flows-secret-0123456789' };
const V01 = 'v01_blink_glasses_man_webcam';
const V03 = 'v03_mouth_open_man';
const SPOOF = 'image_F2_still_loop';

describe.skipIf(!!missing)('FaceID and face_verify through the verify page (Chromium, fake camera, real faces)', () => {
  let server: RunningServer;
  let partner: Awaited<ReturnType<typeof partnerServer>>;
  let gateway: InstanceType<typeof Client>;
  let pop: RPCClient;
  let tmp: string;
  const browsers: Browser[] = [];

  oneCameraSuiteAtATime();

  beforeAll(async () => {
    tmp = tempDir();
    partner = await partnerServer();
    const scene = (biz: string) => ({ biz, scheme: 'RPH5BioOnly', liveness: { actions: ['blink'], count: 1, timeoutSeconds: 60 }, securityLevel: 2, maxAttempts: 1, redirectOrigins: [partner.origin] });
    server = await startServer({
      env: { FACEID_SCENE: 'e2e-faceid', FACE_VERIFY_SCENE: 'e2e-fv' },
      provision: { accessKeys: [KEY], scenes: [scene('e2e-faceid'), scene('e2e-fv')] },
    });
    gateway = new Client(KEY.id, KEY.secret);
    pop = new RPCClient({ accessKeyId: KEY.id, accessKeySecret: KEY.secret, endpoint: server.url, apiVersion: '2017-03-31' });
  });

  // Each flow's browser closes with its test: an open page keeps its fake camera and face worker
  // running and would take CPU from every later flow on these 2 cores.
  afterEach(async () => {
    for (const b of browsers.splice(0)) await b.close().catch(() => undefined);
  });

  afterAll(async () => {
    for (const b of browsers) await b.close().catch(() => undefined);
    await server?.stop();
    await partner?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Opens the page with the given camera, presses the first button, waits for the partner page. */
  async function runToPartner(camera: string, url: string, timeoutMs = 90_000): Promise<Page> {
    const browser = await launch(camera);
    browsers.push(browser);
    const page = await phonePage(browser);
    await page.goto(url);
    await page.getByRole('button').first().click();
    await page.waitForURL((u) => u.toString().startsWith(partner.origin), { timeout: timeoutMs });
    return page;
  }

  const bizToken = async (ref: Buffer, extra: Record<string, string | number> = {}) =>
    gateway.post(`${server.url}/face/v1.2/sdk/get_biz_token`, {
      data: { liveness_type: 'meglive', idcard_name: '张三', idcard_number: GOOD_ID, liveness_action_count: 1, image_ref1: ref.toString('base64'), return_url: `${partner.origin}/faceid`, ...extra },
      headers: { 'content-type': CONTENT_TYPE_FORM },
      timeout: 30_000,
    });
  const getResult = (token: string) => gateway.get(`${server.url}/face/v1.2/sdk/get_result`, { query: { biz_token: token, verbose: '1' }, timeout: 30_000 });
  const faceVerify = async (p: Record<string, unknown>): Promise<any> => {
    try {
      return await pop.request('ExecuteRequest', { Service: 'face_verify', ServiceParameters: JSON.stringify(p) }, { method: 'POST', timeout: 30_000 });
    } catch (e) {
      if ((e as { data?: unknown }).data) return (e as { data: unknown }).data;
      throw e;
    }
  };

  it('FaceID: same person → back on return_url; get_result 1000 with ref1.confidence above the 1e-4 threshold and image_best', async () => {
    const t = await bizToken(still(video(V01), 3.0, tmp), { biz_no: 'e2e-1000' });
    expect((await getResult(t.biz_token)).result_code).toBe(9000);
    const page = await runToPartner(video(V01), t.verify_url);
    expect(page.url()).toBe(`${partner.origin}/faceid`);
    const r = await getResult(t.biz_token);
    expect(r, attemptTrail(server.dataDir)).toMatchObject({ result_code: 1000, result_message: 'SUCCESS', biz_no: 'e2e-1000' });
    expect(r.verification.ref1.confidence).toBeGreaterThan(r.verification.ref1.thresholds['1e-4']);
    expect(Buffer.from(r.images.image_best, 'base64').subarray(0, 3).toString('hex')).toBe('ffd8ff');
  }, 150_000);

  it("FaceID: another person's reference → 2000 PASS_LIVING_NOT_THE_SAME", async () => {
    const t = await bizToken(still(video(V03), 1.0, tmp));
    await runToPartner(video(V01), t.verify_url);
    const r = await getResult(t.biz_token);
    expect(r, attemptTrail(server.dataDir)).toMatchObject({ result_code: 2000, result_message: 'PASS_LIVING_NOT_THE_SAME' });
    expect(r.verification.ref1.confidence).toBeLessThan(r.verification.ref1.thresholds['1e-4']);
    expect(r.images).toBeUndefined();
  }, 150_000);

  it('FaceID: a still spoof photo loop → not 1000', async () => {
    const t = await bizToken(still(spoofLoop(SPOOF), 0.2, tmp), { liveness_timeout: 8 });
    await runToPartner(spoofLoop(SPOOF), t.verify_url);
    const r = await getResult(t.biz_token);
    expect(r.result_code, attemptTrail(server.dataDir)).not.toBe(1000);
    expect([4100, 4200]).toContain(r.result_code);
  }, 150_000);

  it('face_verify: init → query Z5137 → page → query Z8300; the other person → Z1146', async () => {
    const init = await faceVerify({ method: 'init', name: '张三', certNumber: GOOD_ID, metainfo: '{}', referencePicture: still(video(V01), 3.0, tmp).toString('base64'), returnUrl: `${partner.origin}/fv` });
    expect(init.Data.resultCodeSub).toBe('Z8100');
    const { queryId, bizId, verifyUrl } = init.Data;
    expect((await faceVerify({ method: 'query', bizId, queryId })).Data.resultCodeSub).toBe('Z5137');
    await runToPartner(video(V01), verifyUrl);
    const q = await faceVerify({ method: 'query', bizId, queryId, returnImage: 1 });
    expect(q, attemptTrail(server.dataDir)).toMatchObject({ Code: 200, Data: { resultCodeSub: 'Z8300' } });
    expect(Buffer.from(q.Data.image, 'base64url').subarray(0, 3).toString('hex')).toBe('ffd8ff');

    const other = await faceVerify({ method: 'init', name: '李四', certNumber: '110101199003078515', metainfo: '{}', referencePicture: still(video(V03), 1.0, tmp).toString('base64'), returnUrl: `${partner.origin}/fv` });
    await runToPartner(video(V01), other.Data.verifyUrl);
    const q2 = await faceVerify({ method: 'query', bizId: other.Data.bizId, queryId: other.Data.queryId });
    expect(q2, attemptTrail(server.dataDir)).toMatchObject({ Code: 400, Data: { resultCode: 'NOT_SAME_PERSON', resultCodeSub: 'Z1146' } });
  }, 240_000);
});
