// The H5 endpoints on PostgreSQL: the H5 migration (h5_attempts, h5_evidence) applied to a fresh
// database, and the start → evidence → finish path stored and decided there, against the real
// built app with DATABASE_URL. With the real face clips (../shared/media) the attempt is a
// genuine mouth_open from v03 and passes; without them only the typed-failure path runs.
import fs from 'node:fs';
import path from 'node:path';
import RPCClient from '@alicloud/pop-core';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPrerequisite, still, tempDir } from '../e2e/helpers';
import { createTestDatabase, postgresAvailable } from './helpers/postgres';
import { ROOT, startServer, type RunningServer } from './helpers/server';

const pgUp = await postgresAvailable();
if (!pgUp) console.warn('[skip] PostgreSQL not reachable on 127.0.0.1:5432: the H5 endpoints on PostgreSQL are skipped.');
const noMedia = missingPrerequisite();
if (pgUp && noMedia) console.warn(`[skip] H5 on PostgreSQL with real faces: ${noMedia}`);

const KEY = { id: 'LTAIh5PostgresTest', secret: 'h5-postgres-test-secret-0123456789' };
const V03 = path.resolve(ROOT, '..', 'shared', 'media', 'videos', 'v03_mouth_open_man.mjpeg');

describe.skipIf(!pgUp)('H5 endpoints on PostgreSQL', () => {
  let server: RunningServer;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: RPCClient;
  let tmp: string;

  beforeAll(async () => {
    tmp = tempDir();
    db = await createTestDatabase();
    server = await startServer({
      env: { DATABASE_URL: db.url },
      provision: {
        accessKeys: [KEY],
        scenes: [
          { biz: 'h5-pg', scheme: 'RPH5BioOnly', liveness: { actions: ['mouth_open'], count: 1, timeoutSeconds: 60 }, maxAttempts: 2, redirectOrigins: ['https://partner.example'] },
        ],
      },
    });
    client = new RPCClient({ accessKeyId: KEY.id, accessKeySecret: KEY.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'] });
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const newToken = async (facePic?: Buffer) => {
    const ticket = `h5pg-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const binding: Record<string, string> = { Name: '张三' };
    if (facePic) binding.FacePic = `base64://${facePic.toString('base64')}`;
    const r = (await client.request('GetVerifyToken', { Biz: 'h5-pg', TicketId: ticket, Binding: JSON.stringify(binding) }, { method: 'POST' })) as any;
    return { ticket, token: r.Data.VerifyToken.Token as string };
  };
  const call = async (token: string, p: string, body: unknown) => {
    const r = await fetch(`${server.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-verify-token': token }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as any };
  };
  const put = async (token: string, attempt: string, index: number, data: Buffer) => {
    const r = await fetch(`${server.url}/api/h5/evidence?attempt=${attempt}&index=${index}`, { method: 'PUT', headers: { 'x-verify-token': token, 'content-type': 'image/jpeg' }, body: new Uint8Array(data) });
    return { status: r.status, body: (await r.json()) as any };
  };
  const status = async (ticket: string) => ((await client.request('GetStatus', { Biz: 'h5-pg', TicketId: ticket }, { method: 'POST' })) as any).Data;
  const query = async (sql: string, params: unknown[] = []) => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows;
    } finally {
      await c.end();
    }
  };

  it('the H5 tables exist in PostgreSQL with the evidence primary key', async () => {
    const tables = (await query("select table_name from information_schema.tables where table_schema = 'public' and table_name like 'h5_%' order by 1")).map((r) => r.table_name);
    expect(tables).toEqual(['h5_attempts', 'h5_evidence']);
    const pk = await query("select constraint_name from information_schema.table_constraints where table_name = 'h5_evidence' and constraint_type = 'PRIMARY KEY'");
    expect(pk).toHaveLength(1);
  });

  it('start → evidence (idempotent) → finish: typed failures stored once; the last attempt ends the task', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 90, b: 90 } } }).jpeg().toBuffer();
    const { ticket, token } = await newToken();
    const a1 = await call(token, '/api/h5/start', { successRedirect: 'https://partner.example/ok', failRedirect: 'https://partner.example/failed' });
    expect(a1.status).toBe(200);
    expect(a1.body).toMatchObject({ seq: 1, maxAttempts: 2, challenges: ['mouth_open'], frames: 4 });
    expect((await status(ticket)).StatusCode).toBe(0);
    expect((await put(token, a1.body.attemptId, 0, jpeg)).body).toEqual({ duplicate: false });
    expect((await put(token, a1.body.attemptId, 0, jpeg)).body).toEqual({ duplicate: true });
    const f1 = await call(token, '/api/h5/finish', { attemptId: a1.body.attemptId });
    expect(f1.body).toEqual({ outcome: 'retry', reason: 'EVIDENCE_INCOMPLETE', attemptsLeft: 1, redirectUrl: null });
    expect((await call(token, '/api/h5/finish', { attemptId: a1.body.attemptId })).body).toEqual(f1.body);

    const a2 = await call(token, '/api/h5/start', { failRedirect: 'https://partner.example/failed' });
    expect(a2.body.seq).toBe(2);
    const ab = await call(token, '/api/h5/abort', { attemptId: a2.body.attemptId, reason: 'LIVENESS_TIMEOUT' });
    expect(ab.body).toEqual({ outcome: 'failed', reason: 'LIVENESS_TIMEOUT', attemptsLeft: 0, redirectUrl: 'https://partner.example/failed' });
    const st = await status(ticket);
    expect(st.StatusCode).toBe(2);
    expect(st.AuditConclusions).toBe('LIVENESS_TIMEOUT');
    expect((await call(token, '/api/h5/start', {})).body.error).toBe('TOKEN_DECIDED');
    const rows = await query('select seq, state, reason from h5_attempts where task_id = (select id from tasks where ticket_id = $1) order by seq', [ticket]);
    expect(rows.map((r) => [r.seq, r.reason])).toEqual([
      [1, 'EVIDENCE_INCOMPLETE'],
      [2, 'LIVENESS_TIMEOUT'],
    ]);
    const ev = await query('select idx, role from h5_evidence where attempt_id = $1', [a1.body.attemptId]);
    expect(ev).toEqual([{ idx: 0, role: 'best' }]);
  });

  it.skipIf(!!noMedia)('real faces (v03 mouth open): start → 4 frames → finish → passed, decided and stored in PostgreSQL', async () => {
    // Stills of one clip (ffmpeg, into a temp dir): the reference and the best frame are frontal
    // with the mouth closed, the peak is the wide-open mouth at ≈4.4 s (videos.csv: 3.75–5.0 s).
    const ref = still(V03, 0.5, tmp);
    const frames = [still(V03, 1.0, tmp), still(V03, 1.3, tmp), still(V03, 4.4, tmp), still(V03, 5.6, tmp)];
    const { ticket, token } = await newToken(ref);
    const a = await call(token, '/api/h5/start', { successRedirect: 'https://partner.example/done' });
    expect(a.body.challenges).toEqual(['mouth_open']);
    for (const [i, f] of frames.entries()) expect((await put(token, a.body.attemptId, i, f)).status).toBe(200);
    const fin = await call(token, '/api/h5/finish', { attemptId: a.body.attemptId });
    expect(fin.body).toEqual({ outcome: 'passed', reason: null, attemptsLeft: expect.any(Number), redirectUrl: 'https://partner.example/done' });
    const st = await status(ticket);
    expect(st.StatusCode).toBe(1);
    expect(st.SimilarityScore).toBeGreaterThanOrEqual(90);
    const ev = await query('select count(*)::int as n from h5_evidence where attempt_id = $1', [a.body.attemptId]);
    expect(ev[0].n).toBe(4);
    const mat = ((await client.request('GetMaterials', { Biz: 'h5-pg', TicketId: ticket }, { method: 'POST' })) as any).Data;
    const img = await fetch(mat.FacePic);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
  }, 60_000);
});
