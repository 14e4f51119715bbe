// Finding 6 of the security review (issue 11): per-AccessKey limits on the RPC endpoint that
// hold across instances sharing one database, per-token limits on the H5 endpoints that let a
// live stream through but stop a flood, and a share of the face-analysis capacity for people
// at the camera that a partner's CompareFaces flood cannot take. Real servers, real database,
// the official client.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, CONTENT_TYPE_FORM } from 'aliyun-api-gateway';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './helpers/server';
import { json, OTHER_KEY, PROVISION, rawPost, signedParams, TEST_KEY, CloudauthClient } from './helpers/rpc';

const popClient = (server: RunningServer, key = TEST_KEY) =>
  new CloudauthClient({ accessKeyId: key.id, accessKeySecret: key.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'], opts: { timeout: 30_000 } } as never);

type RpcFailure = { code?: string; statusCode?: number; data?: { Code?: string } };
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: RpcFailure) => e.data?.Code ?? e.code ?? 'error',
  );

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function h5(server: RunningServer, token: string, p: string, body: unknown) {
  const r = await fetch(`${server.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-verify-token': token }, body: JSON.stringify(body) });
  return { status: r.status, retryAfter: r.headers.get('retry-after'), body: (await r.json()) as any };
}

async function newToken(server: RunningServer): Promise<string> {
  const r = (await popClient(server).request('GetVerifyToken', { Biz: 'demo-h5', TicketId: `rl-${crypto.randomUUID()}`, Binding: JSON.stringify({ Name: '张三' }) }, { method: 'POST' })) as any;
  return r.Data.VerifyToken.Token as string;
}

describe('per-AccessKey RPC limit across two instances on one database', () => {
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudauth-rl-'));
    const env = { CLOUDAUTH_RPC_RATE_LIMIT: '1', CLOUDAUTH_RPC_RATE_BURST: '10' };
    a = await startServer({ provision: PROVISION, dataDir, env });
    b = await startServer({ provision: PROVISION, dataDir, env });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('refuses the excess with Throttling.User (HTTP 400) whichever instance is asked; other keys keep their own allowance', async () => {
    const started = Date.now();
    // Half through the official client, half raw (pop-core ignores the HTTP status: the raw ones
    // check it on the wire), alternating between the two instances, all at once.
    const results = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const server = i % 2 ? a : b;
        if (i % 4 < 2) return outcome(popClient(server).request('GetStatus', { Biz: 'demo-h5', TicketId: `t${i}` }, { method: 'POST' }));
        const raw = await rawPost(server.url, signedParams('GetStatus', { Biz: 'demo-h5', TicketId: `t${i}` }, { method: 'POST' }));
        const code = json(raw).Code as string;
        return `${raw.status} ${code === '1' ? 'ok' : code}`;
      }),
    );
    const elapsedS = (Date.now() - started) / 1000;
    const ok = results.filter((r) => r === 'ok' || r === '200 ok').length;
    expect(results.filter((r) => !['ok', 'Throttling.User', '200 ok', '400 Throttling.User'].includes(r))).toEqual([]);
    // One shared bucket: burst 10 plus 1/s while the calls ran (two separate buckets would allow 20+).
    expect(ok).toBeGreaterThanOrEqual(10);
    expect(ok).toBeLessThanOrEqual(10 + Math.ceil(elapsedS) + 1);
    expect(results).toContain('Throttling.User');
    expect(results).toContain('400 Throttling.User');

    expect(await outcome(popClient(b, OTHER_KEY).request('GetStatus', { Biz: 'demo-h5', TicketId: 'x' }, { method: 'POST' }))).toBe('ok');
    // The allowance comes back at the configured rate.
    await sleep(1200);
    expect(await outcome(popClient(a).request('GetStatus', { Biz: 'demo-h5', TicketId: 'later' }, { method: 'POST' }))).toBe('ok');
  });

  it('FaceID spends the same per-key allowance: CONCURRENCY_LIMIT_EXCEEDED (get_result 429, get_biz_token 403) with Retry-After', async () => {
    const gw = new Client(TEST_KEY.id, TEST_KEY.secret);
    const statusOf = (p: Promise<unknown>) =>
      p.then(
        () => ({ status: 200, message: '', retryAfter: null as string | null }),
        (e: { code?: number; message: string; data?: { headers?: Record<string, string> } }) => ({ status: e.code, message: e.message, retryAfter: e.data?.headers?.['retry-after'] ?? null }),
      );
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => statusOf(gw.get(`${(i % 2 ? a : b).url}/face/v1.2/sdk/get_result`, { query: { biz_token: '0'.repeat(64) }, timeout: 30_000 }))),
    );
    // An unknown biz_token is 400 BAD_ARGUMENTS:biz_token while the key has allowance left.
    expect(results.filter((r) => r.status !== 400 && r.status !== 429)).toEqual([]);
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(20 - 12);
    expect(limited[0].message).toContain('CONCURRENCY_LIMIT_EXCEEDED');
    expect(Number(limited[0].retryAfter)).toBeGreaterThanOrEqual(1);
    // Several at once each time, so the 1/s refill cannot let them all through on a slow machine.
    const tokens = await Promise.all(
      Array.from({ length: 5 }, () =>
        statusOf(gw.post(`${a.url}/face/v1.2/sdk/get_biz_token`, { data: { liveness_type: 'meglive', idcard_name: '张三', idcard_number: '11010519491231002X' }, headers: { 'content-type': CONTENT_TYPE_FORM }, timeout: 30_000 })),
      ),
    );
    expect(tokens.filter((t) => t.status !== 200 && t.status !== 403)).toEqual([]);
    const refused = tokens.filter((t) => t.status === 403);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    expect(refused[0].message).toContain('CONCURRENCY_LIMIT_EXCEEDED');
    // The RPC endpoint sees the same empty bucket; another key is unaffected on FaceID.
    const rpc = await Promise.all(Array.from({ length: 5 }, (_, i) => outcome(popClient(a).request('GetStatus', { Biz: 'demo-h5', TicketId: `shared-${i}` }, { method: 'POST' }))));
    expect(rpc.filter((r) => r === 'Throttling.User').length).toBeGreaterThanOrEqual(3);
    const other = await statusOf(new Client(OTHER_KEY.id, OTHER_KEY.secret).get(`${b.url}/face/v1.2/sdk/get_result`, { query: { biz_token: '0'.repeat(64) }, timeout: 30_000 }));
    expect(other.status).toBe(400);
  });
});

describe('per-token H5 limit (defaults)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ provision: PROVISION, env: { CLOUDAUTH_RPC_RATE_LIMIT: '0' } });
  });
  afterAll(() => server?.stop());

  it('a live stream of 10 frames/s plus control calls (30 requests/s for 4 s) is never limited', async () => {
    const token = await newToken(server);
    const statuses: number[] = [];
    const started = performance.now();
    for (let i = 0; i < 120; i++) {
      const due = started + (i * 1000) / 30;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      statuses.push((await h5(server, token, '/api/h5/abort', { attemptId: `at_${'0'.repeat(20)}` })).status);
    }
    expect(statuses.filter((s) => s === 429)).toEqual([]);
  });

  it('a flood from one token is cut off with 429 RATE_LIMITED and Retry-After; other tokens are unaffected', async () => {
    const token = await newToken(server);
    const other = await newToken(server);
    const started = Date.now();
    const flood = await Promise.all(Array.from({ length: 300 }, () => h5(server, token, '/api/h5/abort', { attemptId: `at_${'1'.repeat(20)}` })));
    const elapsedS = (Date.now() - started) / 1000;
    const limited = flood.filter((r) => r.status === 429);
    // At most the burst (90) plus 30/s while the flood lasted got through.
    expect(limited.length).toBeGreaterThanOrEqual(Math.min(250, 300 - (90 + Math.ceil(30 * elapsedS) + 1)));
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.body).toEqual({ error: 'RATE_LIMITED' });
    expect(Number(limited[0]!.retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await h5(server, other, '/api/h5/start', {})).status).toBe(200);
  });
});

describe('face-analysis lanes: a CompareFaces flood cannot fail a person at the camera', () => {
  let server: RunningServer;
  beforeAll(async () => {
    // One analysis worker and a tiny batch queue, so the flood certainly overflows it.
    server = await startServer({ provision: PROVISION, env: { CLOUDAUTH_RPC_RATE_LIMIT: '0', BIOMETRICS_CONCURRENCY: '1', BIOMETRICS_QUEUE_LIMIT: '2' } });
  });
  afterAll(() => server?.stop());

  it('the H5 finish is decided (not SERVER_ERROR) while partner calls get ServiceUnavailable', async () => {
    const noise = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 50 } } }).jpeg().toBuffer();
    const frame = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 90, g: 90, b: 90 } } }).jpeg().toBuffer();
    const token = await newToken(server);
    const started = await h5(server, token, '/api/h5/start', {});
    expect(started.status).toBe(200);
    for (let i = 0; i < started.body.frames; i++) {
      const r = await fetch(`${server.url}/api/h5/evidence?attempt=${started.body.attemptId}&index=${i}`, { method: 'PUT', headers: { 'x-verify-token': token, 'content-type': 'image/jpeg' }, body: new Uint8Array(frame) });
      expect(r.status).toBe(200);
    }
    let flooding = true;
    const partnerResults: string[] = [];
    const img = `base64://${noise.toString('base64')}`;
    const loops = Array.from({ length: 6 }, async () => {
      while (flooding) {
        partnerResults.push(
          await outcome(popClient(server).request('CompareFaces', { SourceImageType: 'FacePic', SourceImageValue: img, TargetImageType: 'FacePic', TargetImageValue: img }, { method: 'POST' })),
        );
      }
    });
    // Let the flood fill the batch queue first.
    while (!partnerResults.includes('ServiceUnavailable')) await sleep(20);
    const finish = await h5(server, token, '/api/h5/finish', { attemptId: started.body.attemptId });
    flooding = false;
    await Promise.all(loops);
    expect(finish.status).toBe(200);
    expect(['retry', 'failed']).toContain(finish.body.outcome);
    expect(finish.body.reason).not.toBe('SERVER_ERROR');
    expect(partnerResults).toContain('ServiceUnavailable');
  });
});
