// FaceID v1.2 (seed 004) against the real built server and database: the official API-gateway
// client (aliyun-api-gateway, app-key signature and APPCODE) and raw signed requests for every
// documented error. The camera flow itself is in e2e/faceid-face-verify.test.ts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import RPCClient from '@alicloud/pop-core';
import { Client, CONTENT_TYPE_FORM, SimpleClient } from 'aliyun-api-gateway';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACEID_NOT_PRODUCED, FACEID_RESULTS, faceIdResult } from '../lib/protocols/faceid/result-codes';
import { appCodeFor } from '../lib/protocols/faceid/gateway-auth';
import { ROOT, startServer, type RunningServer } from './helpers/server';
import { GOOD_ID, OTHER_KEY, TEST_KEY, CloudauthClient } from './helpers/rpc';
import { coreOutcomeCodes } from './helpers/outcome-codes';
import { gatewayFetch, multipart, signedGatewayRequest } from './helpers/gateway';
import { readmeExampleRunner } from './helpers/readme-example';
import { passThresholdForSecurityLevel } from '../lib/biometrics/scores';

const MEDIA = path.resolve(ROOT, '..', 'shared', 'media');
const hasMedia = fs.existsSync(path.join(MEDIA, 'pairs'));
if (!hasMedia) console.warn(`[skip] FaceID tests with real faces: ${MEDIA} is missing`);
const media = (p: string) => fs.readFileSync(path.join(MEDIA, p));

describe('FaceID result codes', () => {
  it('map every core outcome code onto a documented result_code', () => {
    const codes = coreOutcomeCodes();
    expect(codes.length).toBeGreaterThan(25);
    const documented = new Set([1000, 2000, 3000, 4100, 4200]);
    for (const c of codes) {
      const r = FACEID_RESULTS[c as keyof typeof FACEID_RESULTS];
      expect(r, `no FaceID mapping for ${c}`).toBeDefined();
      expect(documented.has(r.result_code)).toBe(true);
    }
    expect(FACEID_RESULTS.PASS.result_code).toBe(1000);
    expect(FACEID_RESULTS.NOT_SAME_PERSON).toEqual({ result_code: 2000, result_message: 'PASS_LIVING_NOT_THE_SAME' });
    expect(FACEID_RESULTS.SPOOF_SUSPECTED.result_code).toBe(4100);
    expect(FACEID_RESULTS.REPLACED_FACE_ATTACK.result_message).toBe('REPLACED_FACE_ATTACK');
  });
});

describe("FaceID result codes against seed 004's get_result table and the README", () => {
  it('every (result_code, result_message) of the seed is produced or listed as not produced with a reason, nothing else', () => {
    const seed = fs.readFileSync(path.join(ROOT, '..', 'shared', 'seeds', '004_a1350d9e0f3ae284.txt'), 'utf8');
    const table = seed.slice(seed.indexOf('## Result\\_code&result\\_message'), seed.indexOf('## HTTP状态码和对应的ERROR字段说明'));
    const seedRows = new Set([...table.matchAll(/^\| (\d{4}) +\| ([A-Z_]+) /gm)].map((m) => `${m[1]} ${m[2]}`));
    expect(seedRows.size).toBeGreaterThanOrEqual(40);
    const produced = new Set(Object.values(FACEID_RESULTS).map((r) => `${r.result_code} ${r.result_message}`));
    for (const progress of ['not_started', 'in_progress', 'expired', 'passed'] as const) {
      const r = faceIdResult({ progress, code: null } as never);
      produced.add(`${r.result_code} ${r.result_message}`);
    }
    for (const row of produced) {
      expect(seedRows.has(row), `${row} is not in seed 004`).toBe(true);
      expect(FACEID_NOT_PRODUCED[row], `${row} both produced and not produced`).toBeUndefined();
    }
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## FaceID v1.2'), readme.indexOf('## Financial-grade face_verify'));
    const notProducedText = section.slice(section.indexOf('Not produced'));
    for (const [row, reason] of Object.entries(FACEID_NOT_PRODUCED)) {
      expect(seedRows.has(row), `${row} is not in seed 004`).toBe(true);
      expect(reason.length).toBeGreaterThan(5);
      const [code, message] = row.split(' ');
      expect(notProducedText.includes(`\`${message}\``) || notProducedText.includes(`all of ${code}`), `README's not-produced list lacks ${row}`).toBe(true);
    }
    expect(new Set([...produced, ...Object.keys(FACEID_NOT_PRODUCED)])).toEqual(seedRows);
  });
});

describe('FaceID v1.2 through the API gateway client', () => {
  let server: RunningServer;
  let client: InstanceType<typeof Client>;
  let base: string;
  const partner = 'https://partner.example';

  beforeAll(async () => {
    server = await startServer({
      env: { FACEID_SCENE: 'faceid-base' },
      provision: {
        accessKeys: [TEST_KEY, OTHER_KEY],
        // RPMin: the real-face cases below decide tasks by SubmitMaterials, which only an RPMin
        // scene allows (the camera flow on an RPH5BioOnly scene is e2e/faceid-face-verify.test.ts).
        scenes: [{ biz: 'faceid-base', scheme: 'RPMin', redirectOrigins: [partner] }],
      },
    });
    base = `${server.url}/face/v1.2/sdk`;
    client = new Client(TEST_KEY.id, TEST_KEY.secret);
  });
  const runReadmeExample = (section: string, args: string[]) => readmeExampleRunner(server, TEST_KEY)(section, args);
  afterAll(() => server?.stop());

  const form = (data: Record<string, string | number>) => ({ data, headers: { 'content-type': CONTENT_TYPE_FORM }, timeout: 30_000 });
  const failure = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      const err = e as { code?: number; message: string };
      return { status: err.code, message: err.message };
    }
    throw new Error('expected the call to fail');
  };
  const minimal = { liveness_type: 'meglive', idcard_name: '张三', idcard_number: GOOD_ID };

  it('get_biz_token without a reference → biz_token and verify_url; get_result 9000 LIVING_NOT_START with biz_no', async () => {
    const r = await client.post(`${base}/get_biz_token`, form({ ...minimal, biz_no: 'order-1', liveness_action_count: 2 }));
    expect(r.biz_token).toMatch(/^[0-9a-f]{64}$/);
    expect(r.verify_url).toBe(`${server.url}/verify?token=${r.biz_token}`);
    expect(r.request_id).toMatch(/^\d{10},[0-9a-f-]{36}$/);
    expect(typeof r.time_used).toBe('number');
    const res = await client.get(`${base}/get_result`, { query: { biz_token: r.biz_token }, timeout: 30_000 });
    expect(res).toMatchObject({ biz_token: r.biz_token, biz_no: 'order-1', result_code: 9000, result_message: 'LIVING_NOT_START' });
    expect(res.verification).toBeUndefined();
    // The policy scene carries the request's liveness and security settings.
    const page = await fetch(r.verify_url);
    expect(page.status).toBe(200);
  });

  it('return_url (documented addition) rides on verify_url, only to the scene redirect origins', async () => {
    const ok = await client.post(`${base}/get_biz_token`, form({ ...minimal, return_url: `${partner}/back` }));
    expect(ok.verify_url).toContain(`&successRedirect=${encodeURIComponent(`${partner}/back`)}`);
    const bad = await failure(client.post(`${base}/get_biz_token`, form({ ...minimal, return_url: 'https://evil.example/x' })));
    expect(bad.status).toBe(400);
    expect(bad.message).toContain('BAD_ARGUMENTS:return_url');
  });

  it('documented argument errors: MISSING_ARGUMENTS / BAD_ARGUMENTS with the key', async () => {
    const cases: [Record<string, string | number>, string][] = [
      [{ idcard_name: '张三', idcard_number: GOOD_ID }, 'MISSING_ARGUMENTS:liveness_type'],
      [{ liveness_type: 'meglive', idcard_number: GOOD_ID }, 'MISSING_ARGUMENTS:idcard_name'],
      [{ liveness_type: 'meglive', idcard_name: '张三' }, 'MISSING_ARGUMENTS:idcard_number'],
      [{ ...minimal, liveness_type: 'still' }, 'BAD_ARGUMENTS:liveness_type'],
      [{ ...minimal, idcard_number: '110105194912310021' }, 'BAD_ARGUMENTS:idcard_number'],
      [{ ...minimal, liveness_action_count: 4 }, 'BAD_ARGUMENTS:liveness_action_count'],
      [{ ...minimal, security_level: 'high' }, 'BAD_ARGUMENTS:security_level'],
      [{ ...minimal, liveness_timeout: 1 }, 'BAD_ARGUMENTS:liveness_timeout'],
      [{ ...minimal, biz_no: 'x'.repeat(129) }, 'BAD_ARGUMENTS:biz_no'],
      [{ ...minimal, image_ref1: 'not base64 !' }, 'IMAGE_ERROR_UNSUPPORTED_FORMAT:image_ref1'],
      [{ ...minimal, image_ref2: Buffer.from('hello, not an image').toString('base64') }, 'IMAGE_ERROR_UNSUPPORTED_FORMAT:image_ref2'],
    ];
    for (const [data, error] of cases) {
      const f = await failure(client.post(`${base}/get_biz_token`, form(data)));
      expect(f.status, error).toBe(400);
      expect(f.message).toContain(error);
    }
    // The body is JSON as the seed shows it.
    const raw = await gatewayFetch({ method: 'POST', url: `${base}/get_biz_token`, key: TEST_KEY, form: { liveness_type: 'meglive' } });
    expect(raw.status).toBe(400);
    expect(raw.json()).toMatchObject({ error: 'MISSING_ARGUMENTS:idcard_name' });
    expect(raw.json().request_id).toBeTruthy();
  });

  it('malformed input of every kind gets a documented 400/413, never a 500 or a stack', async () => {
    const documented = /^(MISSING_ARGUMENTS|BAD_ARGUMENTS|IMAGE_ERROR_UNSUPPORTED_FORMAT|INVALID_IMAGE_SIZE|NO_FACE_FOUND):[a-z_0-9]+$/;
    const weird = ['', ' ', '\u0000', '%00', '-1', '1e3', '0x10', '99999999999999999999', '１', 'null', '[]', '{}', 'é'.repeat(300), '\ud800', 'data:image/png;base64,AAAA', 'base64://////', '<script>'];
    const keys = ['liveness_type', 'idcard_name', 'idcard_number', 'image_ref1', 'image_ref2', 'biz_no', 'liveness_timeout', 'liveness_action_count', 'security_level', 'force_compare', 'multi_oriented_detection', 'return_url'];
    const answers = new Map<string, number>();
    for (const key of keys) {
      for (const value of weird) {
        const r = await gatewayFetch({ method: 'POST', url: `${base}/get_biz_token`, key: TEST_KEY, form: { ...minimal, [key]: value } });
        const tag = `${key}=${JSON.stringify(value).slice(0, 20)}`;
        expect([200, 400, 413], tag).toContain(r.status);
        expect(r.text, tag).not.toMatch(/at \w+ \(|node_modules|stack/i);
        if (r.status === 400) {
          expect(r.json().error, tag).toMatch(documented);
          answers.set(r.json().error, (answers.get(r.json().error) ?? 0) + 1);
        }
      }
    }
    // The errors name the parameter at fault.
    expect([...answers.keys()].some((e) => e.endsWith(':idcard_number'))).toBe(true);
    expect([...answers.keys()].some((e) => e.endsWith(':security_level'))).toBe(true);
    // A repeated parameter is refused (the signature and the API must read the same value).
    const { url, init } = signedGatewayRequest({ method: 'POST', url: `${base}/get_biz_token`, key: TEST_KEY, form: minimal });
    const twice = await fetch(url, { ...init, body: `${init.body as string}&idcard_name=${encodeURIComponent('李四')}` });
    expect([400, 403]).toContain(twice.status);
  });

  it('image errors: INVALID_IMAGE_SIZE over 4096 px, NO_FACE_FOUND, and the plain-text 413 over 2 MB', async () => {
    const wide = await sharp({ create: { width: 4100, height: 16, channels: 3, background: '#808080' } }).png().toBuffer();
    const f1 = await failure(client.post(`${base}/get_biz_token`, form({ ...minimal, image_ref1: wide.toString('base64') })));
    expect(f1).toMatchObject({ status: 400 });
    expect(f1.message).toContain('INVALID_IMAGE_SIZE:image_ref1');
    const blank = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#a0a0a0' } }).jpeg().toBuffer();
    const f2 = await failure(client.post(`${base}/get_biz_token`, form({ ...minimal, image_ref1: blank.toString('base64'), multi_oriented_detection: 0 })));
    expect(f2.message).toContain('NO_FACE_FOUND:image_ref1');
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), crypto.randomBytes(2 * 1024 * 1024)]);
    const f3 = await failure(client.post(`${base}/get_biz_token`, form({ ...minimal, image_ref1: big.toString('base64') })));
    expect(f3).toMatchObject({ status: 413 });
    expect(f3.message).toContain('Request Entity Too Large');
    const body = await multipart({ ...minimal, image_ref1: { file: big, name: 'ref.jpg', type: 'image/jpeg' } });
    const r = await gatewayFetch({ method: 'POST', url: `${base}/get_biz_token`, key: TEST_KEY, body });
    expect(r.status).toBe(413);
    expect(r.text).toBe('Request Entity Too Large');
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    // A body over the 20 MB limit is refused while it streams, before any authentication.
    const huge = await fetch(`${base}/get_biz_token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a='.padEnd(21 * 1024 * 1024, 'x') });
    expect(huge.status).toBe(413);
    expect(await huge.text()).toBe('Request Entity Too Large');
    // An urlencoded form over 8 MB could only carry a photo over 2 MB: 413 before it is read whole
    // (it would have to be decoded and signed before authentication). Multipart may use the full 20 MB.
    const bigForm = await fetch(`${base}/get_biz_token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a='.padEnd(9 * 1024 * 1024, 'x') });
    expect(bigForm.status).toBe(413);
    const bigPart = { data: Buffer.alloc(12 * 1024 * 1024, 0x41), contentType: 'multipart/form-data; boundary=zz' };
    const unsigned = await gatewayFetch({ method: 'POST', url: `${base}/get_biz_token`, key: TEST_KEY, body: bigPart, signWith: 'wrong-secret-0123456789' });
    expect(unsigned.status).toBe(403);
    expect(unsigned.json().error).toBe('AUTHENTICATION_ERROR');
  });

  it('authentication: wrong secret, tampered parameter, replayed nonce (also after a restart), stale timestamp → 403', async () => {
    const wrong = await failure(new Client(TEST_KEY.id, 'not-the-secret-0123456789').post(`${base}/get_biz_token`, form(minimal)));
    expect(wrong.status).toBe(403);
    expect(wrong.message).toContain('AUTHENTICATION_ERROR');
    const unknown = await failure(new Client('LTAInobodyknows01', TEST_KEY.secret).post(`${base}/get_biz_token`, form(minimal)));
    expect(unknown.status).toBe(403);

    const call = { method: 'POST' as const, url: `${base}/get_biz_token`, key: TEST_KEY, form: minimal };
    const tampered = await gatewayFetch({ ...call, tamper: { idcard_name: '李四' } });
    expect(tampered.status).toBe(403);
    expect(tampered.json().error).toBe('AUTHENTICATION_ERROR');
    expect(tampered.headers.get('x-ca-error-message')).toContain('Invalid Signature');

    const nonce = crypto.randomUUID();
    const first = await gatewayFetch({ ...call, nonce });
    expect(first.status).toBe(200);
    const replay = await gatewayFetch({ ...call, nonce });
    expect(replay.status).toBe(403);
    expect(replay.headers.get('x-ca-error-message')).toContain('Nonce Used');
    await server.restart();
    const afterRestart = await gatewayFetch({ ...call, nonce });
    expect(afterRestart.status).toBe(403);
    expect(afterRestart.headers.get('x-ca-error-message')).toContain('Nonce Used');

    const stale = await gatewayFetch({ ...call, timestamp: Date.now() - 16 * 60 * 1000 });
    expect(stale.status).toBe(403);
    expect(stale.headers.get('x-ca-error-message')).toContain('Timestamp');
    const unsignedNonce = await gatewayFetch({ ...call, signedHeaders: ['x-ca-key', 'x-ca-timestamp'] });
    expect(unsignedNonce.status).toBe(403);

    // HmacSHA1 is accepted too; get_result names its 403 INVALID_SIGN (seed 004's get_result table).
    expect((await gatewayFetch({ ...call, algorithm: 'HmacSHA1' })).status).toBe(200);
    const res = await gatewayFetch({ method: 'GET', url: `${base}/get_result`, key: TEST_KEY, query: { biz_token: '0'.repeat(64) }, signWith: 'wrong-secret-0123456789' });
    expect(res.status).toBe(403);
    expect(res.json().error).toBe('INVALID_SIGN');
  });

  it('a multipart body must carry a Content-MD5 that matches it', async () => {
    const body = await multipart(minimal);
    const ok = await gatewayFetch({ method: 'POST', url: `${base}/get_biz_token`, key: TEST_KEY, body });
    expect(ok.status).toBe(200);
    const { url, init } = signedGatewayRequest({ method: 'POST', url: `${base}/get_biz_token`, key: TEST_KEY, body });
    const swapped = await multipart({ ...minimal, idcard_name: '李四' });
    const r = await fetch(url, { ...init, body: new Uint8Array(swapped.data), headers: { ...(init.headers as Record<string, string>), 'content-type': swapped.contentType } });
    expect(r.status).toBe(403);
    // Multipart parts are parsed only after authentication: a malformed body with a matching
    // Content-MD5 is a 403 for a wrong secret and a 400 BAD_ARGUMENTS:body for the right one.
    const boundary = 'xXx-boundary';
    const broken = { data: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data\r\n\r\nno name and no end`), contentType: `multipart/form-data; boundary=${boundary}` };
    const unauth = await gatewayFetch({ method: 'POST', url: `${base}/get_biz_token`, key: TEST_KEY, body: broken, signWith: 'wrong-secret-0123456789' });
    expect(unauth.status).toBe(403);
    expect(unauth.json().error).toBe('AUTHENTICATION_ERROR');
    const authed = await gatewayFetch({ method: 'POST', url: `${base}/get_biz_token`, key: TEST_KEY, body: broken });
    expect(authed.status).toBe(400);
    expect(authed.json().error).toBe('BAD_ARGUMENTS:body');
  });

  it('APPCODE (SimpleClient): the derived code works, anything else is refused', async () => {
    const simple = new SimpleClient(appCodeFor(TEST_KEY.id, TEST_KEY.secret));
    // SimpleClient sends no Content-Type of its own: the parameters travel in the query string.
    const r = await simple.post(`${base}/get_biz_token`, { query: minimal, timeout: 30_000 });
    expect(r.biz_token).toMatch(/^[0-9a-f]{64}$/);
    const res = await simple.get(`${base}/get_result`, { query: { biz_token: r.biz_token }, timeout: 30_000 });
    expect(res.result_code).toBe(9000);
    const bad = await failure(new SimpleClient(`${TEST_KEY.id}.AAAA`).post(`${base}/get_biz_token`, { data: '', timeout: 30_000 }));
    expect(bad.status).toBe(403);
    // The secret itself is not an APPCODE.
    expect((await failure(new SimpleClient(TEST_KEY.secret).post(`${base}/get_biz_token`, { data: '' }))).status).toBe(403);
  });

  it('API_NOT_FOUND for other paths and methods; another key cannot read a biz_token', async () => {
    const nf = await fetch(`${server.url}/face/v1.2/sdk/nothing`, { method: 'POST' });
    expect(nf.status).toBe(404);
    expect(((await nf.json()) as any).error).toBe('API_NOT_FOUND');
    const nfClient = await failure(client.post(`${server.url}/face/v1.2/sdk/get_nothing`, form(minimal)));
    expect(nfClient).toMatchObject({ status: 404 });
    expect(nfClient.message).toContain('API_NOT_FOUND');
    expect((await fetch(`${base}/get_biz_token`)).status).toBe(404);
    const t = await client.post(`${base}/get_biz_token`, form(minimal));
    const other = await failure(new Client(OTHER_KEY.id, OTHER_KEY.secret).get(`${base}/get_result`, { query: { biz_token: t.biz_token }, timeout: 30_000 }));
    expect(other.status).toBe(400);
    expect(other.message).toContain('BAD_ARGUMENTS:biz_token');
    const missing = await failure(client.get(`${base}/get_result`, { timeout: 30_000 }));
    expect(missing.message).toContain('MISSING_ARGUMENTS:biz_token');
    const verbose = await failure(client.get(`${base}/get_result`, { query: { biz_token: t.biz_token, verbose: '2' }, timeout: 30_000 }));
    expect(verbose.message).toContain('BAD_ARGUMENTS:verbose');
  });

  describe.skipIf(!hasMedia)('with real faces (decided through the core RPMin path: SubmitMaterials on the biz_token)', () => {
    const obamaA = () => media('pairs/face_recognition/obama/obama.jpg');
    const obamaB = () => media('pairs/face_recognition/obama/obama2.jpg');
    const biden = () => media('pairs/face_recognition/biden/biden.jpg');
    let rpc: RPCClient;
    beforeAll(() => {
      rpc = new CloudauthClient({ accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'] });
    });
    const submit = (token: string, face: Buffer) =>
      rpc.request('SubmitMaterials', { VerifyToken: token, Material: [{ MaterialType: 'FacePic', Value: `base64://${face.toString('base64')}` }] }, { method: 'POST', timeout: 30_000 }) as Promise<any>;

    it('image_ref1 as a multipart file → 1000 SUCCESS with ref1.confidence above 1e-4, thresholds, image_best on verbose=1', async () => {
      const body = await multipart({ ...minimal, biz_no: 'b-1000', security_level: '1', image_ref1: { file: obamaA(), name: 'ref.jpg', type: 'image/jpeg' } });
      const t = await client.post(`${base}/get_biz_token`, { data: body.data, headers: { 'content-type': body.contentType }, timeout: 30_000 });
      const s = await submit(t.biz_token, obamaB());
      expect(s.Data.VerifyStatus.StatusCode).toBe(1);
      const r = await client.get(`${base}/get_result`, { query: { biz_token: t.biz_token, verbose: '1' }, timeout: 30_000 });
      expect(r).toMatchObject({ result_code: 1000, result_message: 'SUCCESS', biz_no: 'b-1000' });
      const th = r.verification.ref1.thresholds;
      expect(Object.keys(th).sort()).toEqual(['1e-3', '1e-4', '1e-5', '1e-6']);
      expect(th['1e-3']).toBeLessThan(th['1e-4']);
      expect(th['1e-5']).toBeLessThan(th['1e-6']);
      expect(r.verification.ref1.confidence).toBeGreaterThanOrEqual(th['1e-3']);
      expect(Buffer.from(r.images.image_best, 'base64').subarray(0, 3).toString('hex')).toBe('ffd8ff');
      const plain = await client.get(`${base}/get_result`, { query: { biz_token: t.biz_token }, timeout: 30_000 });
      expect(plain.images).toBeUndefined();
    });

    it('another person → 2000 PASS_LIVING_NOT_THE_SAME with the low confidence; two references report ref1 and ref2', async () => {
      const t = await client.post(`${base}/get_biz_token`, form({ ...minimal, image_ref1: biden().toString('base64') }));
      await submit(t.biz_token, obamaB());
      const r = await client.get(`${base}/get_result`, { query: { biz_token: t.biz_token }, timeout: 30_000 });
      expect(r).toMatchObject({ result_code: 2000, result_message: 'PASS_LIVING_NOT_THE_SAME' });
      expect(r.verification.ref1.confidence).toBeLessThan(r.verification.ref1.thresholds['1e-3']);

      const two = await client.post(`${base}/get_biz_token`, form({ ...minimal, security_level: 1, image_ref1: obamaA().toString('base64'), image_ref2: biden().toString('base64') }));
      await submit(two.biz_token, obamaB());
      const r2 = await client.get(`${base}/get_result`, { query: { biz_token: two.biz_token }, timeout: 30_000 });
      expect(r2.result_code).toBe(1000);
      expect(r2.verification.ref1.confidence).toBeGreaterThan(r2.verification.ref2.confidence);
      expect(r2.verification.ref2.confidence).toBeLessThan(r2.verification.ref2.thresholds['1e-3']);
    });

    it('security_level 1–4 picks the pass threshold at FAR 1e-3 … 1e-6 (the calibrated scores reported as thresholds)', async () => {
      const levels = [1, 2, 3, 4] as const;
      const seen: { level: number; code: number; confidence: number; threshold: number }[] = [];
      for (const level of levels) {
        const t = await client.post(`${base}/get_biz_token`, form({ ...minimal, security_level: level, image_ref1: obamaA().toString('base64') }));
        await submit(t.biz_token, obamaB());
        const r = await client.get(`${base}/get_result`, { query: { biz_token: t.biz_token }, timeout: 30_000 });
        const threshold = r.verification.ref1.thresholds[`1e-${level + 2}`];
        expect(threshold).toBe(passThresholdForSecurityLevel(level));
        seen.push({ level, code: r.result_code, confidence: r.verification.ref1.confidence, threshold });
      }
      // One pair, one score: the verdict follows the level's threshold exactly.
      expect(new Set(seen.map((s) => s.confidence)).size).toBe(1);
      for (const s of seen) expect(s.code, JSON.stringify(s)).toBe(s.confidence >= s.threshold ? 1000 : 2000);
      expect(seen.map((s) => s.threshold)).toEqual([...seen.map((s) => s.threshold)].sort((a, b) => a - b));
    });

    it("the README's FaceID example runs as printed: start → 9000 → (decided) → 1000 with ref1 and image_best", async () => {
      const out = await runReadmeExample('FaceID v1.2', ['start', path.join(MEDIA, 'pairs/face_recognition/obama/obama.jpg')]);
      const t = JSON.parse(out);
      expect(t.verify_url).toBe(`${server.url}/verify?token=${t.biz_token}`);
      expect(JSON.parse(await runReadmeExample('FaceID v1.2', ['result', t.biz_token]))).toMatchObject({ result_code: 9000, result_message: 'LIVING_NOT_START' });
      await submit(t.biz_token, obamaB());
      const r = JSON.parse(await runReadmeExample('FaceID v1.2', ['result', t.biz_token]));
      expect(r).toMatchObject({ result_code: 1000, result_message: 'SUCCESS', image_best: true });
      expect(r.ref1.confidence).toBeGreaterThanOrEqual(r.ref1.thresholds['1e-4']);
    });

    it('multi_oriented_detection: a reference lying on its side is found when rotated (default), refused with 0', async () => {
      const sideways = await sharp(obamaA()).rotate(90).jpeg().toBuffer();
      const f = await failure(client.post(`${base}/get_biz_token`, form({ ...minimal, image_ref1: sideways.toString('base64'), multi_oriented_detection: 0 })));
      expect(f.message).toContain('NO_FACE_FOUND:image_ref1');
      const t = await client.post(`${base}/get_biz_token`, form({ ...minimal, security_level: 1, image_ref1: sideways.toString('base64') }));
      await submit(t.biz_token, obamaB());
      expect((await client.get(`${base}/get_result`, { query: { biz_token: t.biz_token }, timeout: 30_000 })).result_code).toBe(1000);
    });
  });
});
