import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServer, type RunningServer } from './helpers/server';
import { PROVISION, TEST_KEY, CloudauthClient } from './helpers/rpc';

const blobFiles = (dir: string): string[] =>
  fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? blobFiles(path.join(dir, e.name)) : [path.join(dir, e.name)])) : [];

describe('retention deletes face images, keeps the outcome', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ provision: PROVISION, env: { CLOUDAUTH_RETENTION_DAYS: '0' } });
  });
  afterAll(() => server?.stop());

  it('`cloudauth retention run` removes images older than CLOUDAUTH_RETENTION_DAYS', async () => {
    const client = new CloudauthClient({ accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'] });
    const jpeg = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#a0a0a0' } }).jpeg().toBuffer();
    const ticket = `ret-${Date.now()}`;
    await client.request('GetVerifyToken', { Biz: 'demo-h5', TicketId: ticket, Binding: JSON.stringify({ FacePic: `base64://${jpeg.toString('base64')}` }) }, { method: 'POST' });
    const before = (await client.request('GetMaterials', { Biz: 'demo-h5', TicketId: ticket })) as any;
    expect(before.Data.FacePic).toBeTruthy();
    expect(blobFiles(path.join(server.dataDir, 'blobs'))).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 5));

    const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/cli.ts'), 'retention', 'run'], { cwd: ROOT, env: { ...process.env, ...server.env }, encoding: 'utf8' });
    expect(JSON.parse(out)).toMatchObject({ materialsDeleted: 1 });

    expect(blobFiles(path.join(server.dataDir, 'blobs'))).toHaveLength(0);
    const after = (await client.request('GetMaterials', { Biz: 'demo-h5', TicketId: ticket })) as any;
    // FacePic is a required field of the seed: empty once the image is gone.
    expect(after.Data.FacePic).toBe('');
    expect((await fetch(before.Data.FacePic)).status).toBe(404);
    const st = (await client.request('GetStatus', { Biz: 'demo-h5', TicketId: ticket })) as any;
    expect(st.Data.StatusCode).toBe(-1);
  });
});
