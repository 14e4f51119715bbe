// Financial-grade face_verify (seed 003): Action=ExecuteRequest on the RPC endpoint through the
// official @alicloud/pop-core, against the real built server and database. The camera flow
// (init → page → query) is in e2e/faceid-face-verify.test.ts; here the core's RPMin path
// (SubmitMaterials on the queryId, so the scenes are RPMin: SubmitMaterials refuses any other
// scheme) decides tasks so query and match can be checked without a browser.
// The last block runs both protocols on PostgreSQL.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import RPCClient from '@alicloud/pop-core';
import { Client, CONTENT_TYPE_FORM } from 'aliyun-api-gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACE_VERIFY_RESULTS, Z, Z_NOT_PRODUCED } from '../lib/protocols/face-verify/z-codes';
import { ROOT, startServer, type RunningServer } from './helpers/server';
import { GOOD_ID, OTHER_KEY, TEST_KEY, json, rawPost, signedParams, CloudauthClient } from './helpers/rpc';
import { coreOutcomeCodes } from './helpers/outcome-codes';
import { gatewayFetch } from './helpers/gateway';
import { readmeExampleRunner } from './helpers/readme-example';
import { createTestDatabase, postgresAvailable } from './helpers/postgres';

const MEDIA = path.resolve(ROOT, '..', 'shared', 'media');
const hasMedia = fs.existsSync(path.join(MEDIA, 'pairs'));
if (!hasMedia) console.warn(`[skip] face_verify tests with real faces: ${MEDIA} is missing`);
const media = (p: string) => fs.readFileSync(path.join(MEDIA, p)).toString('base64');
const OTHER_ID = '110101199003078515';

describe('face_verify Z-codes', () => {
  it('map every core outcome code onto a Z-code of the query table', () => {
    const query = new Set(['Z8300', 'Z1146', 'Z1102']);
    for (const c of coreOutcomeCodes()) {
      const z = FACE_VERIFY_RESULTS[c as keyof typeof FACE_VERIFY_RESULTS];
      expect(z, `no face_verify mapping for ${c}`).toBeDefined();
      expect(query.has(z.resultCodeSub)).toBe(true);
    }
    expect(FACE_VERIFY_RESULTS.PASS).toBe(Z.Z8300);
    expect(FACE_VERIFY_RESULTS.NOT_SAME_PERSON.resultMsgSub).toBe('抱歉，没有认出您（Z1146）');
  });
});

describe('face_verify Z-codes against seed 003 and the README', () => {
  const seed = fs.readFileSync(path.join(ROOT, '..', 'shared', 'seeds', '003_facfada6465563b1.txt'), 'utf8');
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Financial-grade face_verify'), readme.indexOf('## The 2019-03-07 API'));

  it('every Z-code of the seed is produced (with the seed text) or listed as not produced with a reason, nothing else', () => {
    const seedCodes = new Map([...seed.matchAll(/\|([A-Z\\_]+)\|(Z\d{4})\|([^|]+)\|/g)].map((m) => [m[2], { resultCode: m[1].replace(/\\/g, ''), text: m[3].trim() }]));
    expect(seedCodes.size).toBeGreaterThanOrEqual(20);
    const produced = Object.values(Z);
    for (const z of produced) {
      const s = seedCodes.get(z.resultCodeSub);
      expect(s, `${z.resultCodeSub} is not in seed 003`).toBeDefined();
      expect(z.resultCode).toBe(s!.resultCode);
      expect(z.resultMsgSub.replace(/）+$/, '')).toBe(s!.text.replace(/）+$/, ''));
      expect(Z_NOT_PRODUCED[z.resultCodeSub], `${z.resultCodeSub} both produced and not produced`).toBeUndefined();
      expect(section, `README does not document ${z.resultCodeSub}`).toContain(`\`${z.resultCodeSub}\``);
    }
    for (const [code, reason] of Object.entries(Z_NOT_PRODUCED)) {
      expect(seedCodes.has(code), `${code} is not in seed 003`).toBe(true);
      expect(reason.length).toBeGreaterThan(10);
      expect(section.slice(section.indexOf('Not produced')), `README's not-produced list lacks ${code}`).toContain(`\`${code}\``);
    }
    expect(new Set([...produced.map((z) => z.resultCodeSub), ...Object.keys(Z_NOT_PRODUCED)])).toEqual(new Set(seedCodes.keys()));
  });
});

describe('face_verify ExecuteRequest through @alicloud/pop-core', () => {
  let server: RunningServer;
  let client: RPCClient;
  let other: RPCClient;

  beforeAll(async () => {
    server = await startServer({
      env: { FACE_VERIFY_SCENE: 'fv' },
      provision: { accessKeys: [TEST_KEY, OTHER_KEY], scenes: [{ biz: 'fv', scheme: 'RPMin', securityLevel: 1, redirectOrigins: ['https://partner.example'] }] },
    });
    const make = (k: typeof TEST_KEY) => new RPCClient({ accessKeyId: k.id, accessKeySecret: k.secret, endpoint: server.url, apiVersion: '2017-03-31' });
    client = make(TEST_KEY);
    other = make(OTHER_KEY);
  });
  afterAll(() => server?.stop());

  /** pop-core throws on a Code other than 200: the envelope is in err.data. */
  const call = async (c: RPCClient, p: Record<string, unknown>, service = 'face_verify'): Promise<any> => {
    try {
      return await c.request('ExecuteRequest', { Service: service, ServiceParameters: JSON.stringify(p) }, { method: 'POST', timeout: 30_000 });
    } catch (e) {
      const data = (e as { data?: unknown }).data;
      if (!data) throw e;
      return data;
    }
  };
  const exec = (p: Record<string, unknown>) => call(client, p);
  const rpc = () => new CloudauthClient({ accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'] });
  const submit = (token: string, faceB64: string) =>
    rpc().request('SubmitMaterials', { VerifyToken: token, Material: [{ MaterialType: 'FacePic', Value: `base64://${faceB64}` }] }, { method: 'POST', timeout: 30_000 }) as Promise<any>;

  it('the envelope and the documented parameter errors (Code 400/404 with the Z-code in Data)', async () => {
    const noService = await call(client, { method: 'init' }, 'account_abuse');
    expect(noService.Code).toBe(404);
    expect(typeof noService.RequestId).toBe('string');
    const notJson = (await client.request('ExecuteRequest', { Service: 'face_verify', ServiceParameters: '{nope' }, { method: 'POST' }).catch((e: any) => e.data)) as any;
    expect(notJson).toMatchObject({ Code: 400, Data: { resultCode: 'INVALID_PARAMETER', resultCodeSub: 'Z8101' } });
    const noName = await exec({ method: 'init', certNumber: GOOD_ID, metainfo: '{}' });
    expect(noName.Code).toBe(400);
    expect(noName.Message).toBe('name不能为空（Z8101）');
    expect((await exec({ method: 'init', name: '张三', certNumber: '110105194912310021', metainfo: '{}' })).Data.resultCodeSub).toBe('Z8105');
    expect((await exec({ method: 'init', name: '张三', certNumber: GOOD_ID })).Message).toContain('metainfo');
    expect((await exec({ method: 'delete' })).Data.resultCodeSub).toBe('Z8101');
    // Names every object has (`'constructor' in {}` is true): none may reach a built-in with the server's context.
    for (const method of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'toLocaleString']) {
      const r = await call(client, JSON.parse(`{"method":${JSON.stringify(method)},"name":"张三","certNumber":"${GOOD_ID}"}`));
      expect(r, method).toMatchObject({ Code: 400, Data: { resultCodeSub: 'Z8101' } });
      expect(Object.keys(r.Data).sort(), method).toEqual(['resultCode', 'resultCodeSub', 'resultMsgSub']);
      expect(JSON.stringify(r)).not.toContain(TEST_KEY.secret);
    }
    // No reference photo and no earlier verification of this person: the comparison source is unavailable.
    expect((await exec({ method: 'init', name: '张三', certNumber: OTHER_ID, metainfo: '{}' })).Data).toMatchObject({ resultCode: 'UNABLE_GET_IMAGE', resultCodeSub: 'Z1102' });
    expect((await exec({ method: 'init', name: '张三', certNumber: GOOD_ID, metainfo: '{}', referencePicture: 'bm90IGFuIGltYWdl' })).Data.resultCodeSub).toBe('Z8101');
    const q = await exec({ method: 'query', queryId: '0'.repeat(64), bizId: 'x' });
    expect(q.Data.resultCodeSub).toBe('Z8301');
    expect((await exec({ method: 'match', name: '张三', certNumber: GOOD_ID })).Message).toBe('imgbase64不能为空（Z8301）');
  });

  it('malformed ServiceParameters of every kind get a documented Z-code, never a 500', async () => {
    const weird: unknown[] = [null, 0, -1, 1e308, true, 'x', '', [], ['init'], {}, { a: { b: { c: {} } } }, 'é'.repeat(5000), '\u0000'];
    const fields = { init: ['name', 'certNumber', 'metainfo', 'bizId', 'referencePicture', 'returnUrl'], query: ['bizId', 'queryId', 'returnImage'], match: ['name', 'certNumber', 'imgbase64'] } as const;
    const base = { init: { name: '张三', certNumber: GOOD_ID, metainfo: '{}' }, query: { bizId: 'b', queryId: 'q' }, match: { name: '张三', certNumber: GOOD_ID, imgbase64: 'AAAA' } };
    for (const method of ['init', 'query', 'match'] as const) {
      for (const field of fields[method]) {
        for (const value of weird) {
          const r = await exec({ method, ...base[method], [field]: value });
          const tag = `${method}.${field}=${JSON.stringify(value)?.slice(0, 20)}`;
          expect([200, 400], tag).toContain(r.Code);
          expect(['Z8100', 'Z8101', 'Z8105', 'Z1102', 'Z8301', 'Z5137', 'Z8300', 'Z1146'], tag).toContain(r.Data.resultCodeSub);
        }
      }
    }
    for (const sp of ['[]', '"init"', '1', 'null', '{"method":["init"]}', '{"method":{"toString":"init"}}']) {
      const r = (await client.request('ExecuteRequest', { Service: 'face_verify', ServiceParameters: sp }, { method: 'POST' }).catch((e: any) => e.data)) as any;
      expect(r, sp).toMatchObject({ Code: 400, Data: { resultCodeSub: 'Z8101' } });
    }
  });

  it('signature 1.0 like every RPC action: wrong secret, tampered parameter, replayed nonce, stale timestamp', async () => {
    const params = { Service: 'face_verify', ServiceParameters: JSON.stringify({ method: 'query', queryId: 'q', bizId: 'b' }) };
    const base = (o: Parameters<typeof signedParams>[2] = {}) => signedParams('ExecuteRequest', params, { method: 'POST', ...o });
    const good = signedParams('ExecuteRequest', { ...params, Version: '2017-03-31' }, { method: 'POST' });
    const r = await rawPost(server.url, good);
    expect(json(r).Code).toBe(400);
    expect(json(r).Data.resultCodeSub).toBe('Z8301');
    expect(json(await rawPost(server.url, good)).Code).toBe('SignatureNonceUsed');
    expect(json(await rawPost(server.url, base({ signWith: 'wrong-secret-0123456789' }))).Code).toBe('SignatureDoesNotMatch');
    const tampered = base();
    tampered.ServiceParameters = JSON.stringify({ method: 'query', queryId: 'other', bizId: 'b' });
    expect(json(await rawPost(server.url, tampered)).Code).toBe('SignatureDoesNotMatch');
    expect(json(await rawPost(server.url, base({ timestamp: new Date(Date.now() - 16 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z') }))).Code).toBe('InvalidTimeStamp.Expired');
  });

  describe.skipIf(!hasMedia)('with real faces', () => {
    const obamaA = () => media('pairs/face_recognition/obama/obama.jpg');
    const obamaB = () => media('pairs/face_recognition/obama/obama2.jpg');
    const biden = () => media('pairs/face_recognition/biden/biden.jpg');

    it('init (referencePicture) → query Z5137 before the end → Z8300 after a pass, image on returnImage; another key cannot query', async () => {
      const init = await exec({ method: 'init', name: '张三', certNumber: GOOD_ID, metainfo: { appName: 'x' }, referencePicture: obamaA(), bizId: 'order-77', returnUrl: 'https://partner.example/back' });
      expect(init).toMatchObject({ Code: 200, Message: 'OK', Data: { bizId: 'order-77', resultCodeSub: 'Z8100' } });
      const { queryId, verifyUrl } = init.Data;
      expect(queryId).toMatch(/^[0-9a-f]{64}$/);
      expect(verifyUrl).toBe(`${server.url}/verify?token=${queryId}&successRedirect=${encodeURIComponent('https://partner.example/back')}&failRedirect=${encodeURIComponent('https://partner.example/back')}`);
      const early = await exec({ method: 'query', bizId: 'order-77', queryId });
      expect(early).toMatchObject({ Code: 400, Data: { resultCode: 'PROCESSING', resultCodeSub: 'Z5137' } });
      expect((await exec({ method: 'query', bizId: 'order-78', queryId })).Data.resultCodeSub).toBe('Z8301');
      expect((await call(other, { method: 'query', bizId: 'order-77', queryId })).Data.resultCodeSub).toBe('Z8301');
      await submit(queryId, obamaB());
      const done = await exec({ method: 'query', bizid: 'order-77', queryId, returnImage: '1' });
      expect(done).toMatchObject({ Code: 200, Message: 'OK', Data: { resultCode: 'OK', resultCodeSub: 'Z8300' } });
      expect(done.Data.image).toMatch(/^_9j_[A-Za-z0-9_-]+$/);
      expect(Buffer.from(done.Data.image, 'base64url').subarray(0, 3).toString('hex')).toBe('ffd8ff');
      expect((await exec({ method: 'query', bizId: 'order-77', queryId })).Data.image).toBeUndefined();
    });

    it('another person → Z1146; init without a picture reuses the earlier verified face of the same name + certNumber only', async () => {
      const init = await exec({ method: 'init', name: '李四', certNumber: OTHER_ID, metainfo: '{}', referencePicture: biden() });
      await submit(init.Data.queryId, obamaB());
      const q = await exec({ method: 'query', bizId: init.Data.bizId, queryId: init.Data.queryId });
      expect(q).toMatchObject({ Code: 400, Message: '抱歉，没有认出您（Z1146）', Data: { resultCode: 'NOT_SAME_PERSON', resultCodeSub: 'Z1146' } });
      expect(init.Data.bizId).toMatch(/^ZSTP\d{28}$/);
      // 张三 / GOOD_ID passed in the previous test: a new init needs no picture …
      const again = await exec({ method: 'init', name: '张三', certNumber: GOOD_ID, metainfo: '{}' });
      expect(again.Data.resultCodeSub).toBe('Z8100');
      // … but only for the same name, and only for the same AccessKey.
      expect((await exec({ method: 'init', name: '王五', certNumber: GOOD_ID, metainfo: '{}' })).Data.resultCodeSub).toBe('Z1102');
      expect((await call(other, { method: 'init', name: '张三', certNumber: GOOD_ID, metainfo: '{}' })).Data.resultCodeSub).toBe('Z1102');
    });

    it("the README's face_verify example runs as printed: init → query Z5137 → (decided) → Z8300 with the image → match", async () => {
      const run = readmeExampleRunner(server, TEST_KEY);
      const example = "Financial-grade face_verify";
      const init = JSON.parse(await run(example, ['init', path.join(MEDIA, 'pairs/face_recognition/obama/obama.jpg')]));
      expect(init).toMatchObject({ Code: 200, resultCodeSub: 'Z8100' });
      expect(init.verifyUrl).toBe(`${server.url}/verify?token=${init.queryId}`);
      expect(JSON.parse(await run(example, ['query', init.bizId, init.queryId]))).toMatchObject({ Code: 400, resultCodeSub: 'Z5137', image: false });
      await submit(init.queryId, obamaB());
      expect(JSON.parse(await run(example, ['query', init.bizId, init.queryId]))).toMatchObject({ Code: 200, resultCodeSub: 'Z8300', image: true });
      const m = JSON.parse(await run(example, ['match', path.join(MEDIA, 'pairs/face_recognition/obama/obama2.jpg')]));
      expect(m).toMatchObject({ Code: 200, resultCodeSub: 'Z8300', passed: true });
      expect(m.score).toBeGreaterThanOrEqual(m.threshold);
    });

    it('match (server only): a pair from ../shared/media/pairs → Z8300 with the score; another person → Z1146; unknown identity → Z1102', async () => {
      const same = await exec({ method: 'match', name: '张三', certNumber: GOOD_ID, imgbase64: media('pairs/face_recognition/obama/obama1.jpg') });
      expect(same).toMatchObject({ Code: 200, Message: 'OK', Data: { passed: true, resultCodeSub: 'Z8300' } });
      expect(same.Data.score).toBeGreaterThanOrEqual(same.Data.threshold);
      const diff = await exec({ method: 'match', name: '张三', certNumber: GOOD_ID, imgbase64: biden() });
      expect(diff).toMatchObject({ Code: 200, Data: { passed: false, resultCode: 'NOT_SAME_PERSON', resultCodeSub: 'Z1146' } });
      expect(diff.Data.score).toBeLessThan(diff.Data.threshold);
      expect((await exec({ method: 'match', name: '赵六', certNumber: '110101199003076632', imgbase64: obamaA() })).Data.resultCodeSub).toBe('Z1102');
      expect((await exec({ method: 'match', name: '张三', certNumber: GOOD_ID, imgbase64: 'bm90IGFuIGltYWdl' })).Data.resultCodeSub).toBe('Z8301');
    });
  });
});

const pgUp = await postgresAvailable();
if (!pgUp) console.warn('[skip] FaceID / face_verify on PostgreSQL: no PostgreSQL at TEST_PG_URL');

describe.skipIf(!pgUp || !hasMedia)('FaceID and face_verify on PostgreSQL (same code)', () => {
  let server: RunningServer;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: RPCClient;
  let gateway: InstanceType<typeof Client>;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startServer({
      env: { DATABASE_URL: db.url, FACE_VERIFY_SCENE: 'fv', FACEID_SCENE: 'fv' },
      provision: { accessKeys: [TEST_KEY], scenes: [{ biz: 'fv', scheme: 'RPMin', securityLevel: 1 }] },
    });
    client = new RPCClient({ accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, endpoint: server.url, apiVersion: '2017-03-31' });
    gateway = new Client(TEST_KEY.id, TEST_KEY.secret);
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  const exec = (p: Record<string, unknown>): Promise<any> =>
    client.request('ExecuteRequest', { Service: 'face_verify', ServiceParameters: JSON.stringify(p) }, { method: 'POST', timeout: 30_000 }).catch((e: { data?: unknown }) => {
      if (!e.data) throw e;
      return e.data;
    });

  it('init → SubmitMaterials → query Z8300 → init and match reuse the verified face; FaceID get_biz_token / get_result / nonce replay', async () => {
    const init = await exec({ method: 'init', name: '张三', certNumber: GOOD_ID, metainfo: '{}', referencePicture: media('pairs/face_recognition/obama/obama.jpg') });
    expect(init.Data.resultCodeSub).toBe('Z8100');
    const rpc = new CloudauthClient({ accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'] });
    await rpc.request('SubmitMaterials', { VerifyToken: init.Data.queryId, Material: [{ MaterialType: 'FacePic', Value: `base64://${media('pairs/face_recognition/obama/obama2.jpg')}` }] }, { method: 'POST', timeout: 30_000 });
    expect((await exec({ method: 'query', bizId: init.Data.bizId, queryId: init.Data.queryId })).Data.resultCodeSub).toBe('Z8300');
    expect((await exec({ method: 'init', name: '张三', certNumber: GOOD_ID, metainfo: '{}' })).Data.resultCodeSub).toBe('Z8100');
    expect((await exec({ method: 'match', name: '张三', certNumber: GOOD_ID, imgbase64: media('pairs/face_recognition/obama/obama1.jpg') })).Data.passed).toBe(true);

    const t = await gateway.post(`${server.url}/face/v1.2/sdk/get_biz_token`, { data: { liveness_type: 'meglive', idcard_name: '张三', idcard_number: GOOD_ID, liveness_action_count: 1, biz_no: 'pg-1' }, headers: { 'content-type': CONTENT_TYPE_FORM }, timeout: 30_000 });
    expect((await gateway.get(`${server.url}/face/v1.2/sdk/get_result`, { query: { biz_token: t.biz_token }, timeout: 30_000 })).biz_no).toBe('pg-1');
    const nonce = crypto.randomUUID();
    const call = { method: 'GET' as const, url: `${server.url}/face/v1.2/sdk/get_result`, key: TEST_KEY, query: { biz_token: t.biz_token }, nonce };
    expect((await gatewayFetch(call)).status).toBe(200);
    expect((await gatewayFetch(call)).status).toBe(403);
  });
});

describe('when the face engine cannot start (MODELS_DIR without models)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      env: { FACE_VERIFY_SCENE: 'fv', FACEID_SCENE: 'fv', MODELS_DIR: path.join(ROOT, 'no-models-here') },
      provision: { accessKeys: [TEST_KEY], scenes: [{ biz: 'fv', scheme: 'RPMin' }] },
    });
  });
  afterAll(() => server?.stop());

  it('face_verify init answers the seed system error Z1112 (Code 500) and FaceID 500 INTERNAL_ERROR, not a crash', async () => {
    const client = new RPCClient({ accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, endpoint: server.url, apiVersion: '2017-03-31' });
    const photo = (await import('sharp')).default({ create: { width: 64, height: 64, channels: 3, background: '#888' } }).jpeg();
    const picture = (await photo.toBuffer()).toString('base64');
    const r = (await client
      .request('ExecuteRequest', { Service: 'face_verify', ServiceParameters: JSON.stringify({ method: 'init', name: '张三', certNumber: GOOD_ID, metainfo: '{}', referencePicture: picture }) }, { method: 'POST', timeout: 30_000 })
      .catch((e: { data?: unknown }) => e.data)) as any;
    expect(r).toMatchObject({ Code: 500, Data: { resultCode: 'SYSTEM_ERROR', resultCodeSub: 'Z1112' } });
    const gw = new Client(TEST_KEY.id, TEST_KEY.secret);
    const f = await gw
      .post(`${server.url}/face/v1.2/sdk/get_biz_token`, { data: { liveness_type: 'meglive', idcard_name: '张三', idcard_number: GOOD_ID, image_ref1: picture }, headers: { 'content-type': CONTENT_TYPE_FORM }, timeout: 30_000 })
      .then(
        () => null,
        (e: { code?: number; message: string }) => e,
      );
    expect(f?.code).toBe(500);
    expect(f?.message).toContain('INTERNAL_ERROR');
    // The server is still up and answers what needs no face engine as usual.
    const q = (await client
      .request('ExecuteRequest', { Service: 'face_verify', ServiceParameters: JSON.stringify({ method: 'query', bizId: 'b', queryId: 'q' }) }, { method: 'POST', timeout: 30_000 })
      .catch((e: { data?: unknown }) => e.data)) as any;
    expect(q).toMatchObject({ Code: 400, Data: { resultCodeSub: 'Z8301' } });
  });
});
