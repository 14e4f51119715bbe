import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import RPCClient from '@alicloud/pop-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './helpers/server';
import { postgresAvailable, variantDatabase } from './helpers/postgres';
import { GOOD_ID, json, OTHER_KEY, PROVISION, rawGet, rawPost, signedParams, TEST_KEY, CloudauthClient } from './helpers/rpc';

const pgUp = await postgresAvailable();
if (!pgUp) console.warn('[skip] PostgreSQL not reachable on 127.0.0.1:5432: the PostgreSQL variant of the RPC API tests is skipped.');

const variants = [
  { name: 'SQLite', enabled: true },
  { name: 'PostgreSQL', enabled: pgUp },
];

async function testJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 120, b: 90 } } }).jpeg().toBuffer();
}

for (const variant of variants) {
  describe.skipIf(!variant.enabled)(`Cloudauth RPC API on ${variant.name}`, () => {
    let server: RunningServer;
    let dropDb: (() => Promise<void>) | undefined;
    let client: RPCClient;
    let jpeg: Buffer;

    beforeAll(async () => {
      const { env, drop } = await variantDatabase(variant.name);
      dropDb = drop;
      // info level, so the request log lines exist for the no-secrets-in-logs check below.
      server = await startServer({ env: { ...env, LOG_LEVEL: 'info' }, provision: PROVISION });
      client = new CloudauthClient({ accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'] });
      jpeg = await testJpeg();
    });
    afterAll(async () => {
      await server?.stop();
      await dropDb?.();
    });

    for (const method of ['GET', 'POST'] as const) {
      it(`pop-core ${method}: GetVerifyToken → GetStatus (-1) → GetMaterials`, async () => {
        const ticket = `ticket-${method}-${Date.now()}`;
        const binding = JSON.stringify({ Name: '张三', IdentificationNumber: GOOD_ID, FacePic: `base64://${jpeg.toString('base64')}` });
        const tok = (await client.request('GetVerifyToken', { Biz: 'demo-h5', TicketId: ticket, Binding: binding }, { method })) as any;
        expect(tok.Code).toBe('1');
        expect(tok.Success).toBe(true);
        expect(tok.Data.VerifyToken.DurationSeconds).toBe(1800);
        expect(tok.Data.VerifyToken.Token).toMatch(/^[0-9a-f]{64}$/);
        expect(tok.Data.CloudauthPageUrl).toBe(`${server.url}/verify?token=${tok.Data.VerifyToken.Token}`);

        const st = (await client.request('GetStatus', { Biz: 'demo-h5', TicketId: ticket }, { method })) as any;
        expect(st.Data.StatusCode).toBe(-1);

        const mat = (await client.request('GetMaterials', { Biz: 'demo-h5', TicketId: ticket }, { method })) as any;
        expect(mat.Data.Name).toBe('张三');
        expect(mat.Data.IdentificationNumber).toBe(GOOD_ID);
        expect(mat.Data.FacePic).toMatch(new RegExp(`^${server.url}/media/`));
        const img = await fetch(mat.Data.FacePic);
        expect(img.status).toBe(200);
        expect(img.headers.get('content-type')).toBe('image/jpeg');
        expect(Buffer.from(await img.arrayBuffer()).equals(jpeg)).toBe(true);
        // A tampered signature or expiry is refused.
        // Change the first signature character to a different one (a fixed 'A' would be a no-op 1 time in 64).
        const tampered = (mat.Data.FacePic as string).replace(/sig=(.)/, (_m: string, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
        expect((await fetch(tampered)).status).toBe(403);
        expect((await fetch(mat.Data.FacePic.replace(/expires=\d+/, 'expires=9999999999'))).status).toBe(403);
      });
    }

    it('stores images encrypted at rest (no plaintext JPEG on disk)', () => {
      if (variant.name !== 'SQLite') return;
      const files: string[] = [];
      const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : files.push(path.join(d, e.name))));
      walk(path.join(server.dataDir, 'blobs'));
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(fs.readFileSync(f).includes(jpeg.subarray(0, 64))).toBe(false);
    });

    it('a new token for the same ticket supersedes the older one', async () => {
      const ticket = `sup-${Date.now()}`;
      const a = (await client.request('GetVerifyToken', { Biz: 'demo-h5', TicketId: ticket })) as any;
      const b = (await client.request('GetVerifyToken', { Biz: 'demo-h5', TicketId: ticket })) as any;
      expect(a.Data.VerifyToken.Token).not.toBe(b.Data.VerifyToken.Token);
      const oldPage = await (await fetch(`${a.Data.CloudauthPageUrl}&lang=en`)).text();
      const newPage = await (await fetch(`${b.Data.CloudauthPageUrl}&lang=en`)).text();
      expect(oldPage).toContain('data-token-state="superseded"');
      expect(newPage).not.toContain('data-token-state="superseded"');
      const unknown = await (await fetch(`${server.url}/verify?token=${'0'.repeat(64)}`, { headers: { 'accept-language': 'zh-CN' } })).text();
      expect(unknown).toContain('data-token-state="unknown"');
      expect(unknown).toContain('链接无效');
    });

    it('concurrent first requests for one ticket all succeed and leave exactly one live token', async () => {
      const ticket = `race-${Date.now()}`;
      const replies = (await Promise.all(Array.from({ length: 6 }, () => client.request('GetVerifyToken', { Biz: 'demo-h5', TicketId: ticket }, { method: 'POST' })))) as any[];
      expect(replies.every((r) => r.Code === '1')).toBe(true);
      const states = await Promise.all(replies.map(async (r) => /data-token-state="(\w+)"/.exec(await (await fetch(r.Data.CloudauthPageUrl)).text())?.[1]));
      expect(states.filter((s) => s === 'valid')).toHaveLength(1);
      expect(states.filter((s) => s === 'superseded')).toHaveLength(5);
    });

    it('rejects a tampered parameter, a tampered POST body, a wrong secret and an unknown key', async () => {
      const p = signedParams('GetStatus', { Biz: 'demo-h5', TicketId: 'x' });
      let r = await rawGet(server.url, { ...p, TicketId: 'y' });
      expect([r.status, json(r).Code]).toEqual([400, 'SignatureDoesNotMatch']);

      const post = signedParams('GetStatus', { Biz: 'demo-h5', TicketId: 'x' }, { method: 'POST' });
      r = await rawPost(server.url, new URLSearchParams(post).toString().replace('TicketId=x', 'TicketId=z'));
      expect([r.status, json(r).Code]).toEqual([400, 'SignatureDoesNotMatch']);
      // The same body untampered is accepted: the failure above is the tamper, not the transport.
      r = await rawPost(server.url, post);
      expect([r.status, json(r).Code]).toEqual([200, '1']);

      r = await rawGet(server.url, signedParams('GetStatus', { Biz: 'demo-h5', TicketId: 'x' }, { signWith: 'not-the-secret' }));
      expect([r.status, json(r).Code]).toEqual([400, 'SignatureDoesNotMatch']);

      r = await rawGet(server.url, signedParams('GetStatus', { Biz: 'demo-h5', TicketId: 'x' }, { key: { id: 'LTAInobody000', secret: 'x'.repeat(20) } }));
      expect([r.status, json(r).Code]).toEqual([404, 'InvalidAccessKeyId.NotFound']);
      expect(json(r)).toMatchObject({ RequestId: expect.any(String), HostId: expect.any(String), Message: expect.any(String) });
    });

    it('rejects a replayed nonce, stale and future timestamps; accepts milliseconds', async () => {
      const p = signedParams('GetStatus', { Biz: 'demo-h5', TicketId: 'x' }, { nonce: `nonce-${Date.now()}` });
      expect((await rawGet(server.url, p)).status).toBe(200);
      const again = await rawGet(server.url, p);
      expect([again.status, json(again).Code]).toEqual([400, 'SignatureNonceUsed']);
      // The same nonce is independent per AccessKey.
      const other = await rawGet(server.url, signedParams('GetStatus', { Biz: 'demo-h5', TicketId: 'x' }, { key: OTHER_KEY, nonce: p.SignatureNonce }));
      expect(other.status).toBe(200);

      const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
      let r = await rawGet(server.url, signedParams('GetStatus', { Biz: 'demo-h5', TicketId: 'x' }, { timestamp: iso(Date.now() - 16 * 60_000) }));
      expect([r.status, json(r).Code]).toEqual([400, 'InvalidTimeStamp.Expired']);
      r = await rawGet(server.url, signedParams('GetStatus', { Biz: 'demo-h5', TicketId: 'x' }, { timestamp: iso(Date.now() + 16 * 60_000) }));
      expect([r.status, json(r).Code]).toEqual([400, 'InvalidTimeStamp.Expired']);
      r = await rawGet(server.url, signedParams('GetStatus', { Biz: 'demo-h5', TicketId: 'x' }, { timestamp: '2026/01/01 10:00' }));
      expect([r.status, json(r).Code]).toEqual([400, 'InvalidTimeStamp.Format']);
      r = await rawGet(server.url, signedParams('GetStatus', { Biz: 'demo-h5', TicketId: 'x' }, { timestamp: new Date().toISOString() }));
      expect([r.status, json(r).Code]).toEqual([200, '1']);
    });

    it('missing parameters, unknown action, unknown biz, bad ID number, bad Binding', async () => {
      let r = await rawGet(server.url, signedParams('GetVerifyToken', { Biz: 'demo-h5' }));
      expect([r.status, json(r).Code]).toEqual([400, 'InvalidParam.ParamMissing']);
      expect(json(r).Message).toContain('TicketId');
      const noSig = signedParams('GetStatus', { Biz: 'demo-h5', TicketId: 'x' });
      delete noSig.Signature;
      r = await rawGet(server.url, noSig);
      expect([r.status, json(r).Code]).toEqual([400, 'IncompleteSignature']);
      r = await rawGet(server.url, signedParams('NoSuchAction', {}));
      expect([r.status, json(r).Code]).toEqual([404, 'InvalidAction.NotFound']);
      r = await rawGet(server.url, signedParams('GetVerifyToken', { Biz: 'no-such-biz', TicketId: 't' }));
      expect([r.status, json(r).Code]).toEqual([400, 'InvalidParam.InvalidBiz']);
      r = await rawGet(server.url, signedParams('GetVerifyToken', { Biz: 'demo-h5', TicketId: 't', Binding: JSON.stringify({ Name: '张三', IdentificationNumber: '110105194912310021' }) }));
      expect([r.status, json(r).Code]).toEqual([400, 'InvalidParam.IdentificationNumber']);
      r = await rawGet(server.url, signedParams('GetVerifyToken', { Biz: 'demo-h5', TicketId: 't', Binding: '{not json' }));
      expect([r.status, json(r).Code]).toEqual([400, 'InvalidParam.Binding']);
      r = await rawGet(server.url, signedParams('GetVerifyToken', { Biz: 'demo-h5', TicketId: 't', Binding: JSON.stringify({ FacePic: 'oss://bucket/a.jpg' }) }));
      expect([r.status, json(r).Code]).toEqual([400, 'InvalidParam.OssNotSupported']);
      r = await rawGet(server.url, signedParams('GetVerifyToken', { Biz: 'demo-h5', TicketId: 't', Binding: JSON.stringify({ FacePic: `base64://${Buffer.from('just text').toString('base64')}` }) }));
      expect([r.status, json(r).Code]).toEqual([400, 'InvalidParam.ImageFormatUnsupported']);
      r = await rawGet(server.url, signedParams('GetVerifyToken', { Biz: 'demo-h5', TicketId: 't', Binding: JSON.stringify({ FacePic: 'https://evil.example/a.jpg' }) }));
      expect([r.status, json(r).Code]).toEqual([400, 'InvalidParam.ImageFetchForbidden']);
      r = await rawGet(server.url, signedParams('GetMaterials', { Biz: 'demo-h5', TicketId: 'never-issued' }));
      expect([r.status, json(r).Code]).toEqual([404, 'InvalidParam.RecordNotFound']);
      // None of the rejected requests left a task behind.
      const st = (await client.request('GetStatus', { Biz: 'demo-h5', TicketId: 't' })) as any;
      expect(st.Data.StatusCode).toBe(-1);
    });

    it('answers XML by default and when asked', async () => {
      let r = await rawGet(server.url, signedParams('GetStatus', { Biz: 'demo-h5', TicketId: 'x' }, { format: 'XML' }));
      expect(r.status).toBe(200);
      expect(r.type).toContain('xml');
      expect(r.text).toMatch(/^<\?xml[^>]*\?><GetStatusResponse><RequestId>[^<]+<\/RequestId><Data><StatusCode>-1<\/StatusCode><SimilarityScore>0<\/SimilarityScore><AuditConclusions><\/AuditConclusions><\/Data><Success>true<\/Success><Code>1<\/Code><\/GetStatusResponse>$/);
      r = await rawGet(server.url, signedParams('NoSuchAction', {}, { format: '' }));
      expect(r.status).toBe(404);
      expect(r.text).toContain('<Code>InvalidAction.NotFound</Code>');
    });

    it('refuses an oversized body with 413 and serves a 200 KB GET', async () => {
      const big = 'a'.repeat(9 * 1024 * 1024);
      const r = await rawPost(server.url, signedParams('GetStatus', { Biz: 'demo-h5', TicketId: 'x', Pad: big }, { method: 'POST' }));
      // The body (and its Format) is not read past the limit, so the answer is in the default XML.
      expect(r.status).toBe(413);
      expect(r.text).toContain('<Code>InvalidParameter.BodyTooLarge</Code>');

      // A ~200 KB base64 Binding in the query string (GET), as old clients send it.
      const photo = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).jpeg({ quality: 95 }).toBuffer();
      expect(photo.length).toBeGreaterThan(100_000);
      const binding = JSON.stringify({ Name: 'Li Lei', IdentificationNumber: GOOD_ID, FacePic: `base64://${photo.toString('base64')}` });
      const g = await rawGet(server.url, signedParams('GetVerifyToken', { Biz: 'demo-h5', TicketId: `big-${Date.now()}`, Binding: binding }));
      expect(new URLSearchParams(signedParams('GetStatus', { Binding: binding })).toString().length).toBeGreaterThan(150_000);
      expect([g.status, json(g).Code]).toEqual([200, '1']);
    });

    it('tasks, tokens and nonces survive a restart', async () => {
      const ticket = `restart-${Date.now()}`;
      const tok = (await client.request('GetVerifyToken', { Biz: 'demo-h5', TicketId: ticket })) as any;
      const p = signedParams('GetStatus', { Biz: 'demo-h5', TicketId: ticket }, { nonce: `restart-nonce-${Date.now()}` });
      expect((await rawGet(server.url, p)).status).toBe(200);
      await server.restart();
      const replay = await rawGet(server.url, p);
      expect([replay.status, json(replay).Code]).toEqual([400, 'SignatureNonceUsed']);
      const st = (await client.request('GetStatus', { Biz: 'demo-h5', TicketId: ticket })) as any;
      expect(st.Data.StatusCode).toBe(-1);
      const page = await (await fetch(tok.Data.CloudauthPageUrl)).text();
      expect(page).toContain('data-token-state="valid"');
    });

    it('never logs secrets, tokens or images', () => {
      const out = server.output();
      expect(out).toContain('"msg":"rpc ok"');
      expect(out).not.toContain(TEST_KEY.secret);
      expect(out).not.toMatch(/[0-9a-f]{64}/);
      expect(out).not.toContain('base64://');
    });
  });
}
