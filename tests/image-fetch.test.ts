// Finding 8 of the security review (issue 11): fetching partner images from allowed hosts.
// A body that stalls is a documented ImageFetchFailed (not an InternalError with a stack); an
// allowed name is judged by the address it resolves to (loopback and private ranges refused
// unless listed in CLOUDAUTH_FETCH_PRIVATE_NETWORKS), and the connection goes to exactly that
// address. Real server, real HTTP image host in this process, the official client.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './helpers/server';
import { PROVISION, TEST_KEY, CloudauthClient } from './helpers/rpc';

describe('image fetch from allowed hosts', () => {
  let server: RunningServer;
  let images: http.Server;
  let port = 0;
  let hits = 0;

  beforeAll(async () => {
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 120, b: 90 } } }).jpeg().toBuffer();
    images = http.createServer((req, res) => {
      hits++;
      if (req.url === '/stall') {
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(jpeg.length) });
        res.write(jpeg.subarray(0, 3)); // then nothing, ever
        return;
      }
      if (req.url === '/redirect') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg);
    });
    await new Promise<void>((r) => images.listen(0, '127.0.0.1', r));
    port = (images.address() as AddressInfo).port;
    server = await startServer({
      provision: PROVISION,
      env: {
        CLOUDAUTH_RPC_RATE_LIMIT: '0',
        CLOUDAUTH_FETCH_ALLOWLIST: '127.0.0.1,127.0.0.2,localhost',
        CLOUDAUTH_FETCH_PRIVATE_NETWORKS: '127.0.0.1/32',
        CLOUDAUTH_FETCH_TIMEOUT_MS: '800',
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
    images?.closeAllConnections();
    await new Promise((r) => images?.close(r));
  });

  const tokenWith = (facePic: string) =>
    new CloudauthClient({ accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'], opts: { timeout: 30_000 } } as never)
      .request('GetVerifyToken', { Biz: 'demo-h5', TicketId: `fetch-${Date.now()}-${Math.random()}`, Binding: JSON.stringify({ Name: '张三', FacePic: facePic }) }, { method: 'POST' })
      .then(
        () => 'ok',
        (e: { data?: { Code?: string; Message?: string } }) => `${e.data?.Code}: ${e.data?.Message}`,
      );

  it('fetches an allowed image from an explicitly listed private address', async () => {
    expect(await tokenWith(`http://127.0.0.1:${port}/ok.jpg`)).toBe('ok');
  });

  it('a body that stalls after 3 bytes is InvalidParam.ImageFetchFailed within the time limit', async () => {
    const started = Date.now();
    const r = await tokenWith(`http://127.0.0.1:${port}/stall`);
    expect(r).toMatch(/^InvalidParam\.ImageFetchFailed: /);
    expect(r).not.toMatch(/at .*\.ts|Error:|stack/i);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('an allowed host that resolves to an unlisted loopback/private address is refused before connecting', async () => {
    const before = hits;
    // 127.0.0.2 is loopback but not in CLOUDAUTH_FETCH_PRIVATE_NETWORKS.
    expect(await tokenWith(`http://127.0.0.2:${port}/ok.jpg`)).toMatch(/^InvalidParam\.ImageFetchForbidden: .*private/);
    // "localhost" resolves to loopback (and maybe ::1): judged by its addresses, not its name.
    const viaName = await tokenWith(`http://localhost:${port}/ok.jpg`);
    expect(viaName === 'ok' || viaName.startsWith('InvalidParam.ImageFetchForbidden')).toBe(true);
    expect(hits - before).toBeLessThanOrEqual(1);
  });

  it('redirects are not followed (an allowed host cannot bounce the fetch elsewhere)', async () => {
    expect(await tokenWith(`http://127.0.0.1:${port}/redirect`)).toMatch(/^InvalidParam\.ImageFetchFailed: .*redirect/);
  });
});
