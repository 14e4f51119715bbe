// The H5 endpoints on PostgreSQL: the H5 migrations (h5_attempts, h5_evidence, h5_frames,
// h5_challenges) applied to a fresh database, and the start → stream → challenge → finish path
// stored and decided there, against the real built app with DATABASE_URL. (Genuine faces through
// the page, on PostgreSQL too, are in e2e/.)
import RPCClient from '@alicloud/pop-core';
import { CloudauthClient } from './helpers/rpc';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable } from './helpers/postgres';
import { startServer, type RunningServer } from './helpers/server';
import { streamBatch } from './helpers/stream-batch';

const pgUp = await postgresAvailable();
if (!pgUp) console.warn('[skip] PostgreSQL not reachable on 127.0.0.1:5432: the H5 endpoints on PostgreSQL are skipped.');

const KEY = { id: 'LTAIh5PostgresTest', secret: 'h5-postgres-test-secret-0123456789' };

describe.skipIf(!pgUp)('H5 endpoints on PostgreSQL', () => {
  let server: RunningServer;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: RPCClient;

  beforeAll(async () => {
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
    client = new CloudauthClient({ accessKeyId: KEY.id, accessKeySecret: KEY.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'] });
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  const newToken = async () => {
    const ticket = `h5pg-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const r = (await client.request('GetVerifyToken', { Biz: 'h5-pg', TicketId: ticket, Binding: JSON.stringify({ Name: '张三' }) }, { method: 'POST' })) as any;
    return { ticket, token: r.Data.VerifyToken.Token as string };
  };
  const call = async (token: string, p: string, body: unknown) => {
    const r = await fetch(`${server.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-verify-token': token }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as any };
  };
  const put = async (token: string, attempt: string, seq: number, data: Buffer) => {
    const r = await fetch(`${server.url}/api/h5/evidence?attempt=${attempt}&seq=${seq}`, { method: 'PUT', headers: { 'x-verify-token': token, 'content-type': 'image/jpeg' }, body: new Uint8Array(data) });
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

  /** A stream batch: 4-byte big-endian header length, JSON header {frames:[{seq,t,bytes}]}, the JPEGs. */
  const batch = streamBatch;
  const stream = async (token: string, attempt: string, body: Buffer) => {
    const r = await fetch(`${server.url}/api/h5/stream?attempt=${attempt}`, { method: 'POST', headers: { 'x-verify-token': token, 'content-type': 'application/octet-stream' }, body: new Uint8Array(body) });
    return { status: r.status, body: (await r.json()) as any };
  };
  let colour = 0;
  const uniqueJpeg = () => {
    colour++;
    return sharp({ create: { width: 64, height: 48, channels: 3, background: { r: colour & 255, g: 77, b: (colour >> 8) & 255 } } }).jpeg().toBuffer();
  };
  /** `n` synthetic frames streamed live (two per batch every 250 ms), stamped with their capture time. */
  const streamLive = async (token: string, attempt: string, n: number, firstSeq = 0) => {
    for (let i = 0; i < n; i += 2) {
      const t0 = Date.now();
      const r = await stream(token, attempt, batch([{ seq: firstSeq + i, t: t0 - 125, data: await uniqueJpeg() }, { seq: firstSeq + i + 1, t: t0, data: await uniqueJpeg() }]));
      expect(r.status).toBe(200);
      await new Promise((res) => setTimeout(res, Math.max(0, 250 - (Date.now() - t0))));
    }
  };

  it('the H5 tables exist in PostgreSQL with their primary keys', async () => {
    const tables = (await query("select table_name from information_schema.tables where table_schema = 'public' and table_name like 'h5_%' order by 1")).map((r) => r.table_name);
    expect(tables).toEqual(['h5_attempts', 'h5_challenges', 'h5_evidence', 'h5_frames']);
    for (const t of ['h5_evidence', 'h5_frames', 'h5_challenges']) {
      const pk = await query("select constraint_name from information_schema.table_constraints where table_name = $1 and constraint_type = 'PRIMARY KEY'", [t]);
      expect(pk, t).toHaveLength(1);
    }
  });

  it('start → stream (idempotent) → challenge → finish: typed failures stored once; the last attempt ends the task', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 90, b: 90 } } }).jpeg().toBuffer();
    const jpeg2 = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 10, g: 90, b: 90 } } }).jpeg().toBuffer();
    const { ticket, token } = await newToken();
    const a1 = await call(token, '/api/h5/start', { successRedirect: 'https://partner.example/ok', failRedirect: 'https://partner.example/failed' });
    expect(a1.status).toBe(200);
    expect(a1.body).toMatchObject({ seq: 1, maxAttempts: 2, challengeCount: 1, challengeTimeoutSeconds: 60 });
    expect(a1.body).not.toHaveProperty('challenges');
    expect((await status(ticket)).StatusCode).toBe(0);
    expect(await call(token, '/api/h5/challenge', { attemptId: a1.body.attemptId })).toEqual({ status: 409, body: { error: 'STREAM_NOT_LIVE' } });
    const t = Date.now();
    const one = batch([{ seq: 1000, t, data: jpeg }]);
    expect((await stream(token, a1.body.attemptId, one)).body).toEqual({ stored: 1, duplicates: 0, challenge: null });
    expect((await stream(token, a1.body.attemptId, one)).body).toEqual({ stored: 0, duplicates: 1, challenge: null });
    expect(await stream(token, a1.body.attemptId, batch([{ seq: 1000, t, data: jpeg2 }]))).toEqual({ status: 409, body: { error: 'FRAME_CONFLICT' } });
    expect(await put(token, a1.body.attemptId, 1000, jpeg)).toEqual({ status: 200, body: { duplicate: false } });
    expect((await put(token, a1.body.attemptId, 1000, jpeg)).body).toEqual({ duplicate: true });
    expect((await put(token, a1.body.attemptId, 999, jpeg)).body.error).toBe('BAD_FRAME_INDEX');
    await streamLive(token, a1.body.attemptId, 8);
    const c = await call(token, '/api/h5/challenge', { attemptId: a1.body.attemptId });
    expect(c.body).toMatchObject({ state: 'issued', challenge: { index: 0, total: 1, action: 'mouth_open', seen: false } });
    expect((await call(token, '/api/h5/challenge', { attemptId: a1.body.attemptId })).body.state).toBe('pending');
    await streamLive(token, a1.body.attemptId, 8, 8);
    const f1 = await call(token, '/api/h5/finish', { attemptId: a1.body.attemptId, bestSeq: 2 });
    expect(f1.body).toMatchObject({ outcome: 'retry', attemptsLeft: 1, redirectUrl: null });
    // A live cadence, the challenge issued, but the server never saw the mouth open. (On a loaded
    // machine the reason can be CAPTURE_NOT_LIVE instead: an unfinished attempt's stream is judged
    // up to the moment finish is decided, after the server's own measurements — reported to the lead.)
    expect(f1.body.reason).toMatch(/^(LIVENESS_ACTION_NOT_DETECTED:mouth_open|CAPTURE_NOT_LIVE)$/);
    expect((await call(token, '/api/h5/finish', { attemptId: a1.body.attemptId })).body).toEqual(f1.body);

    const a2 = await call(token, '/api/h5/start', { failRedirect: 'https://partner.example/failed' });
    expect(a2.body.seq).toBe(2);
    const ab = await call(token, '/api/h5/abort', { attemptId: a2.body.attemptId, reason: 'ALIGN_TIMEOUT' });
    expect(ab.body).toEqual({ outcome: 'failed', reason: 'ALIGN_TIMEOUT', attemptsLeft: 0, redirectUrl: 'https://partner.example/failed' });
    const st = await status(ticket);
    expect(st.StatusCode).toBe(2);
    expect(st.AuditConclusions).toBe('ALIGN_TIMEOUT');
    expect((await call(token, '/api/h5/start', {})).body.error).toBe('TOKEN_DECIDED');
    const rows = await query('select seq, state, reason from h5_attempts where task_id = (select id from tasks where ticket_id = $1) order by seq', [ticket]);
    expect(rows.map((r) => [r.seq, r.state, r.reason])).toEqual([
      [1, 'retry', f1.body.reason],
      [2, 'failed', 'ALIGN_TIMEOUT'],
    ]);
    const frames = await query('select count(*)::int as n, count(blob_key)::int as blobs from h5_frames where attempt_id = $1', [a1.body.attemptId]);
    expect(frames[0]).toEqual({ n: 17, blobs: 0 });
    const ev = await query('select idx, role, stream_seq, blob_key from h5_evidence where attempt_id = $1', [a1.body.attemptId]);
    expect(ev).toEqual([{ idx: 0, role: 'best', stream_seq: 1000, blob_key: null }]);
    const ch = await query('select idx, action, seen_at from h5_challenges where attempt_id = $1', [a1.body.attemptId]);
    expect(ch).toEqual([{ idx: 0, action: 'mouth_open', seen_at: null }]);
  });
});
