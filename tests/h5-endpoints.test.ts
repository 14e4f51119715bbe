// The token-bound H5 endpoints against the real built app: attempts counted against
// maxAttempts, the live stream (idempotent, bounded batches), challenges issued one at a time, decisions stored once, typed errors,
// and no record lost or corrupted on bad input. (The full flow with faces is in e2e/.)
import path from 'node:path';
import RPCClient from '@alicloud/pop-core';
import { CloudauthClient } from './helpers/rpc';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './helpers/server';
import { streamBatch } from './helpers/stream-batch';

const KEY = { id: 'LTAIh5EndpointTest', secret: 'h5-endpoint-test-secret-0123456789' };

describe('H5 endpoints', () => {
  let server: RunningServer;
  let client: RPCClient;
  let jpeg: Buffer;
  let jpeg2: Buffer;

  beforeAll(async () => {
    server = await startServer({
      provision: {
        accessKeys: [KEY],
        scenes: [{ biz: 'h5-ep', scheme: 'RPH5BioOnly', liveness: { actions: ['blink', 'nod'], count: 2, timeoutSeconds: 60 }, maxAttempts: 2, redirectOrigins: ['https://partner.example'] }],
      },
    });
    client = new CloudauthClient({ accessKeyId: KEY.id, accessKeySecret: KEY.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'] });
    jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 90, b: 90 } } }).jpeg().toBuffer();
    jpeg2 = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 10, g: 90, b: 90 } } }).jpeg().toBuffer();
  });
  afterAll(() => server?.stop());

  const newToken = async () => {
    const ticket = `h5ep-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const r = (await client.request('GetVerifyToken', { Biz: 'h5-ep', TicketId: ticket, Binding: JSON.stringify({ Name: '张三' }) }, { method: 'POST' })) as any;
    return { ticket, token: r.Data.VerifyToken.Token as string };
  };
  const call = async (token: string | null, p: string, body: unknown) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers['x-verify-token'] = token;
    const r = await fetch(`${server.url}${p}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as any };
  };
  /** A stream batch: 4-byte big-endian header length, JSON header {frames:[{seq,t,bytes}]}, the JPEGs (lib/verification/h5/stream.ts). */
  const batch = streamBatch;
  const stream = async (token: string, attempt: string, body: Buffer) => {
    const r = await fetch(`${server.url}/api/h5/stream?attempt=${attempt}`, { method: 'POST', headers: { 'x-verify-token': token, 'content-type': 'application/octet-stream' }, body: new Uint8Array(body) });
    return { status: r.status, body: (await r.json()) as any };
  };
  /** Distinct synthetic JPEGs (no face): distinct bytes, so no frame looks replayed from another attempt. */
  let colour = 0;
  const uniqueJpeg = () => {
    colour++;
    return sharp({ create: { width: 64, height: 48, channels: 3, background: { r: colour & 255, g: (colour >> 8) & 255, b: 128 } } }).jpeg().toBuffer();
  };
  /** Streams `n` frames live: two per batch every 250 ms (8 fps), each stamped with its capture time. */
  const streamLive = async (token: string, attempt: string, n: number, firstSeq = 0) => {
    for (let i = 0; i < n; i += 2) {
      const t0 = Date.now();
      const frames = [{ seq: firstSeq + i, t: t0 - 125, data: await uniqueJpeg() }, { seq: firstSeq + i + 1, t: t0, data: await uniqueJpeg() }];
      const r = await stream(token, attempt, batch(frames));
      expect(r.status).toBe(200);
      await new Promise((res) => setTimeout(res, Math.max(0, 250 - (Date.now() - t0))));
    }
  };
  const put = async (token: string, attempt: string, seq: number, data: Buffer) => {
    const r = await fetch(`${server.url}/api/h5/evidence?attempt=${attempt}&seq=${seq}`, { method: 'PUT', headers: { 'x-verify-token': token, 'content-type': 'image/jpeg' }, body: new Uint8Array(data) });
    return { status: r.status, body: (await r.json()) as any };
  };
  const sqlite = (readonly = true) => new Database(path.join(server.dataDir, 'cloudauth.sqlite'), { readonly });
  const status = async (ticket: string) => ((await client.request('GetStatus', { Biz: 'h5-ep', TicketId: ticket }, { method: 'POST' })) as any).Data;

  it('refuses requests without a valid token, with a typed error', async () => {
    expect(await call(null, '/api/h5/start', {})).toEqual({ status: 404, body: { error: 'TOKEN_UNKNOWN' } });
    expect((await call('f'.repeat(64), '/api/h5/start', {})).body.error).toBe('TOKEN_UNKNOWN');
  });

  it('start → challenge count and timing, no challenge list; task in progress, attempt counted; redirects filtered', async () => {
    const { ticket, token } = await newToken();
    const r = await call(token, '/api/h5/start', { successRedirect: 'https://partner.example/ok', failRedirect: 'javascript:alert(1)', camera: { label: 'OBS Virtual Camera', settings: { frameRate: 30 } } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ seq: 1, maxAttempts: 2, challengeCount: 2, challengeTimeoutSeconds: 30, alignTimeoutSeconds: expect.any(Number) });
    expect(r.body.stream).toEqual({ targetFps: expect.any(Number), maxSide: expect.any(Number), maxFramesPerBatch: expect.any(Number), maxFrameBytes: expect.any(Number) });
    // The order is not revealed in advance: nothing in the answer names an action.
    expect(r.body).not.toHaveProperty('challenges');
    expect(JSON.stringify(r.body)).not.toMatch(/blink|nod/);
    expect((await status(ticket)).StatusCode).toBe(0);
    const db = sqlite();
    const row = db.prepare('select success_redirect, fail_redirect, signals from h5_attempts where id = ?').get(r.body.attemptId) as any;
    const events = db.prepare("select event from audit_events where task_id = (select id from tasks where ticket_id = ?) order by created_at").all(ticket) as any[];
    db.close();
    expect({ success_redirect: row.success_redirect, fail_redirect: row.fail_redirect }).toEqual({ success_redirect: 'https://partner.example/ok', fail_redirect: null });
    // Injection signals are recorded per attempt.
    expect(JSON.parse(row.signals)).toMatchObject({ label: 'OBS Virtual Camera', virtual: true });
    expect(events.map((e) => e.event)).toContain('h5.attempt.started');
  });

  it('stream: idempotent per seq, never swapped, bounded, JPEG only, malformed batches refused', async () => {
    const { token } = await newToken();
    const { body: a } = await call(token, '/api/h5/start', {});
    const t = Date.now();
    const two = batch([{ seq: 0, t, data: jpeg }, { seq: 1, t: t + 125, data: jpeg2 }]);
    expect(await stream(token, a.attemptId, two)).toEqual({ status: 200, body: { stored: 2, duplicates: 0, challenge: null } });
    expect((await stream(token, a.attemptId, two)).body).toEqual({ stored: 0, duplicates: 2, challenge: null });
    expect(await stream(token, a.attemptId, batch([{ seq: 0, t, data: jpeg2 }]))).toEqual({ status: 409, body: { error: 'FRAME_CONFLICT' } });
    const big = Buffer.concat([jpeg, Buffer.alloc(300 * 1024)]);
    expect(await stream(token, a.attemptId, batch([{ seq: 2, t: t + 250, data: big }]))).toEqual({ status: 413, body: { error: 'FRAME_TOO_LARGE' } });
    expect(await stream(token, a.attemptId, batch([{ seq: 2, t: t + 250, data: Buffer.from('not an image at all') }]))).toEqual({ status: 415, body: { error: 'NOT_JPEG' } });
    const bad = { status: 400, body: { error: 'BAD_REQUEST' } };
    expect(await stream(token, a.attemptId, Buffer.alloc(0))).toEqual(bad);
    expect(await stream(token, a.attemptId, Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]))).toEqual(bad); // header length beyond the body
    const notJsonHeader = Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from('{nope'), jpeg]);
    expect(await stream(token, a.attemptId, notJsonHeader)).toEqual(bad);
    expect(await stream(token, a.attemptId, Buffer.concat([batch([{ seq: 3, t: t + 375, data: jpeg }]), Buffer.from('trailing')]))).toEqual(bad);
    expect(await stream(token, a.attemptId, batch([{ seq: 3, t: t + 375, data: jpeg }], { frames: [{ seq: 3, t: t + 375, bytes: jpeg.length + 10 }] }))).toEqual(bad); // truncated
    expect(await stream(token, a.attemptId, batch([{ seq: 3, t: -1, data: jpeg }]))).toEqual(bad);
    expect(await stream(token, a.attemptId, batch([], { frames: [] }))).toEqual(bad);
    expect((await stream(token, a.attemptId, batch([{ seq: -1, t, data: jpeg }]))).body.error).toBe('BAD_FRAME_INDEX');
    // Nothing of the refused batches was stored; the stored frames are unchanged.
    const db = sqlite();
    const rows = db.prepare('select seq, size from h5_frames where attempt_id = ? order by seq').all(a.attemptId) as any[];
    db.close();
    expect(rows).toEqual([
      { seq: 0, size: jpeg.length },
      { seq: 1, size: jpeg2.length },
    ]);
    expect((await stream(token, 'at_doesnotexist0000', two)).body.error).toBe('ATTEMPT_NOT_FOUND');
    const other = await newToken();
    expect((await stream(other.token, a.attemptId, two)).body.error).toBe('ATTEMPT_NOT_FOUND');
  });

  it('best frame: only a streamed seq, JPEG, bounded, idempotent, never swapped', async () => {
    const { token } = await newToken();
    const { body: a } = await call(token, '/api/h5/start', {});
    expect((await stream(token, a.attemptId, batch([{ seq: 0, t: Date.now(), data: jpeg }]))).status).toBe(200);
    expect(await put(token, a.attemptId, 5, jpeg)).toEqual({ status: 400, body: { error: 'BAD_FRAME_INDEX' } });
    expect(await put(token, a.attemptId, 0, jpeg)).toEqual({ status: 200, body: { duplicate: false } });
    expect((await put(token, a.attemptId, 0, jpeg)).body).toEqual({ duplicate: true });
    expect(await put(token, a.attemptId, 0, jpeg2)).toEqual({ status: 409, body: { error: 'FRAME_CONFLICT' } });
    expect(await put(token, a.attemptId, 0, Buffer.from('not an image at all'))).toEqual({ status: 415, body: { error: 'NOT_JPEG' } });
    expect((await put(token, a.attemptId, 0, Buffer.concat([jpeg, Buffer.alloc(2 * 1024 * 1024)]))).status).toBe(413);
    expect((await put(token, 'at_doesnotexist0000', 0, jpeg)).body.error).toBe('ATTEMPT_NOT_FOUND');
  });

  it('challenges: STREAM_NOT_LIVE before any frame, challenge 0 once frames arrive, pending until the server sees it', async () => {
    const { ticket, token } = await newToken();
    const { body: a } = await call(token, '/api/h5/start', {});
    expect(await call(token, '/api/h5/challenge', { attemptId: a.attemptId })).toEqual({ status: 409, body: { error: 'STREAM_NOT_LIVE' } });
    await streamLive(token, a.attemptId, 4);
    const before = Date.now();
    const c = await call(token, '/api/h5/challenge', { attemptId: a.attemptId });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ state: 'issued', challenge: { index: 0, total: 2, seen: false, timeoutSeconds: 30 } });
    expect(['blink', 'nod']).toContain(c.body.challenge.action);
    expect(c.body.challenge.issuedAt).toBeGreaterThanOrEqual(before - 5);
    // Asked again before the server saw the action: the same challenge, issued once.
    const p = await call(token, '/api/h5/challenge', { attemptId: a.attemptId });
    expect(p.body).toEqual({ state: 'pending', challenge: c.body.challenge });
    // The stream answer reports the current challenge too.
    const s = await stream(token, a.attemptId, batch([{ seq: 100, t: Date.now(), data: await uniqueJpeg() }]));
    expect(s.body.challenge).toEqual(c.body.challenge);
    const db = sqlite();
    const rows = db.prepare('select idx, action, issued_at, seen_at from h5_challenges where attempt_id = ?').all(a.attemptId) as any[];
    const events = db.prepare("select event from audit_events where task_id = (select id from tasks where ticket_id = ?) and event = 'h5.challenge.issued'").all(ticket) as any[];
    db.close();
    expect(rows).toEqual([{ idx: 0, action: c.body.challenge.action, issued_at: c.body.challenge.issuedAt, seen_at: null }]);
    expect(events).toHaveLength(1);
    expect((await call(token, '/api/h5/challenge', {})).status).toBe(400);
  });

  it('DECISION_PENDING: no attempt starts while another is being decided', async () => {
    const { ticket, token } = await newToken();
    const { body: a } = await call(token, '/api/h5/start', {});
    const w = sqlite(false);
    w.prepare("update h5_attempts set state = 'deciding', claimed_at = ? where id = ?").run(Date.now(), a.attemptId);
    w.close();
    expect(await call(token, '/api/h5/start', {})).toEqual({ status: 202, body: { error: 'DECISION_PENDING' } });
    expect((await call(token, '/api/h5/finish', { attemptId: a.attemptId })).body.error).toBe('DECISION_PENDING');
    const db = sqlite();
    const attempts = db.prepare('select seq, state from h5_attempts where task_id = (select id from tasks where ticket_id = ?)').all(ticket) as any[];
    const task = db.prepare('select attempts, status_code from tasks where ticket_id = ?').get(ticket) as any;
    db.close();
    expect(attempts).toEqual([{ seq: 1, state: 'deciding' }]);
    expect(task).toEqual({ attempts: 1, status_code: 0 });
  });

  it('finish without the challenges done fails one attempt; an ALIGN_TIMEOUT abort ends the task; outcomes stored once', async () => {
    const { ticket, token } = await newToken();
    const { body: a1 } = await call(token, '/api/h5/start', { failRedirect: 'https://partner.example/failed' });
    await streamLive(token, a1.attemptId, 8);
    expect((await call(token, '/api/h5/challenge', { attemptId: a1.attemptId })).body.state).toBe('issued');
    await streamLive(token, a1.attemptId, 8, 8);
    const f1 = await call(token, '/api/h5/finish', { attemptId: a1.attemptId, bestSeq: 3 });
    expect(f1.status).toBe(200);
    expect(f1.body).toMatchObject({ outcome: 'retry', attemptsLeft: 1, redirectUrl: null });
    expect(f1.body.reason).toMatch(/^(EVIDENCE_INCOMPLETE|LIVENESS_ACTION_NOT_DETECTED:(blink|nod))$/);
    // Asking again answers the stored outcome; the closed attempt takes no more frames or challenges.
    expect((await call(token, '/api/h5/finish', { attemptId: a1.attemptId })).body).toEqual(f1.body);
    expect((await stream(token, a1.attemptId, batch([{ seq: 50, t: Date.now(), data: jpeg }]))).body.error).toBe('ATTEMPT_CLOSED');
    expect((await call(token, '/api/h5/challenge', { attemptId: a1.attemptId })).body).toEqual({ state: 'decided', outcome: f1.body });
    expect((await status(ticket)).StatusCode).toBe(0);

    const { body: a2 } = await call(token, '/api/h5/start', { failRedirect: 'https://partner.example/failed' });
    expect(a2.seq).toBe(2);
    const ab = await call(token, '/api/h5/abort', { attemptId: a2.attemptId, reason: 'ALIGN_TIMEOUT' });
    expect(ab.body).toEqual({ outcome: 'failed', reason: 'ALIGN_TIMEOUT', attemptsLeft: 0, redirectUrl: 'https://partner.example/failed' });
    const st = await status(ticket);
    expect(st.StatusCode).toBe(2);
    expect(st.AuditConclusions).toBe('ALIGN_TIMEOUT');
    expect((await call(token, '/api/h5/start', {})).body.error).toBe('TOKEN_DECIDED');
    expect((await call(token, '/api/h5/abort', { attemptId: a2.attemptId, reason: 'USER_CANCELLED' })).body).toEqual(ab.body);
    const db = sqlite();
    const rows = db.prepare('select seq, state, reason from h5_attempts where task_id = (select id from tasks where ticket_id = ?) order by seq').all(ticket) as any[];
    const blobs = db.prepare('select count(*) as n from h5_frames where attempt_id = ? and blob_key is not null').get(a1.attemptId) as any;
    db.close();
    expect(rows).toEqual([
      { seq: 1, state: 'retry', reason: f1.body.reason },
      { seq: 2, state: 'failed', reason: 'ALIGN_TIMEOUT' },
    ]);
    // Streamed images are dropped once decided (the rows stay for replay detection).
    expect(blobs.n).toBe(0);
  });

  it('a reload (new attempt) closes the open one; bad JSON is a typed 400 and changes nothing', async () => {
    const { ticket, token } = await newToken();
    const { body: a1 } = await call(token, '/api/h5/start', {});
    const bad = await fetch(`${server.url}/api/h5/start`, { method: 'POST', headers: { 'x-verify-token': token }, body: '{nope' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'BAD_REQUEST' });
    const { body: a2 } = await call(token, '/api/h5/start', {});
    expect(a2.seq).toBe(2);
    expect((await stream(token, a1.attemptId, batch([{ seq: 0, t: Date.now(), data: jpeg }]))).body.error).toBe('ATTEMPT_CLOSED');
    const db = sqlite();
    expect((db.prepare('select state from h5_attempts where id = ?').get(a1.attemptId) as any).state).toBe('superseded');
    db.close();
    expect((await call(token, '/api/h5/start', {})).body.error).toBe('ATTEMPTS_EXHAUSTED');
    const st = await status(ticket);
    expect(st.StatusCode).toBe(2);
    expect(st.AuditConclusions).toBe('MAX_ATTEMPTS_EXCEEDED');
  });
});
