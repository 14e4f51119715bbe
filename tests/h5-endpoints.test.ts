// The token-bound H5 endpoints against the real built app: attempts counted against
// maxAttempts, idempotent and bounded evidence uploads, decisions stored once, typed errors,
// and no record lost or corrupted on bad input. (The full flow with faces is in e2e/.)
import path from 'node:path';
import RPCClient from '@alicloud/pop-core';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './helpers/server';

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
    client = new RPCClient({ accessKeyId: KEY.id, accessKeySecret: KEY.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'] });
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
  const put = async (token: string, attempt: string, index: number, data: Buffer) => {
    const r = await fetch(`${server.url}/api/h5/evidence?attempt=${attempt}&index=${index}`, { method: 'PUT', headers: { 'x-verify-token': token, 'content-type': 'image/jpeg' }, body: new Uint8Array(data) });
    return { status: r.status, body: (await r.json()) as any };
  };
  const status = async (ticket: string) => ((await client.request('GetStatus', { Biz: 'h5-ep', TicketId: ticket }, { method: 'POST' })) as any).Data;

  it('refuses requests without a valid token, with a typed error', async () => {
    expect(await call(null, '/api/h5/start', {})).toEqual({ status: 404, body: { error: 'TOKEN_UNKNOWN' } });
    expect((await call('f'.repeat(64), '/api/h5/start', {})).body.error).toBe('TOKEN_UNKNOWN');
  });

  it('start → challenges from the scene, task in progress, attempt counted; redirects filtered', async () => {
    const { ticket, token } = await newToken();
    const r = await call(token, '/api/h5/start', { successRedirect: 'https://partner.example/ok', failRedirect: 'javascript:alert(1)' });
    expect(r.status).toBe(200);
    expect(r.body.challenges.sort()).toEqual(['blink', 'nod']);
    expect(r.body).toMatchObject({ seq: 1, maxAttempts: 2, frames: 7, challengeTimeoutSeconds: 30 });
    expect((await status(ticket)).StatusCode).toBe(0);
    const db = new Database(path.join(server.dataDir, 'cloudauth.sqlite'), { readonly: true });
    const row = db.prepare('select success_redirect, fail_redirect from h5_attempts where id = ?').get(r.body.attemptId) as any;
    const events = db.prepare("select event from audit_events where task_id = (select id from tasks where ticket_id = ?) order by created_at").all(ticket) as any[];
    db.close();
    expect(row).toEqual({ success_redirect: 'https://partner.example/ok', fail_redirect: null });
    expect(events.map((e) => e.event)).toContain('h5.attempt.started');
  });

  it('evidence: bounded, JPEG only, idempotent per index, never swapped', async () => {
    const { token } = await newToken();
    const { body: a } = await call(token, '/api/h5/start', {});
    expect((await put(token, a.attemptId, 0, jpeg)).body).toEqual({ duplicate: false });
    expect((await put(token, a.attemptId, 0, jpeg)).body).toEqual({ duplicate: true });
    expect(await put(token, a.attemptId, 0, jpeg2)).toEqual({ status: 409, body: { error: 'FRAME_CONFLICT' } });
    expect((await put(token, a.attemptId, 7, jpeg)).body.error).toBe('BAD_FRAME_INDEX');
    expect(await put(token, a.attemptId, 1, Buffer.from('not an image at all'))).toEqual({ status: 415, body: { error: 'NOT_JPEG' } });
    const big = Buffer.concat([jpeg, Buffer.alloc(2 * 1024 * 1024)]);
    expect((await put(token, a.attemptId, 1, big)).status).toBe(413);
    expect((await put(token, 'at_doesnotexist0000', 1, jpeg)).body.error).toBe('ATTEMPT_NOT_FOUND');
    const other = await newToken();
    expect((await put(other.token, a.attemptId, 1, jpeg)).body.error).toBe('ATTEMPT_NOT_FOUND');
  });

  it('incomplete evidence fails one attempt; the last attempt ends the task; the outcome is stored once', async () => {
    const { ticket, token } = await newToken();
    const { body: a1 } = await call(token, '/api/h5/start', { failRedirect: 'https://partner.example/failed' });
    await put(token, a1.attemptId, 0, jpeg);
    const f1 = await call(token, '/api/h5/finish', { attemptId: a1.attemptId });
    expect(f1.body).toEqual({ outcome: 'retry', reason: 'EVIDENCE_INCOMPLETE', attemptsLeft: 1, redirectUrl: null });
    // Asking again answers the stored outcome; the closed attempt takes no more frames.
    expect((await call(token, '/api/h5/finish', { attemptId: a1.attemptId })).body).toEqual(f1.body);
    expect((await put(token, a1.attemptId, 1, jpeg)).body.error).toBe('ATTEMPT_CLOSED');
    expect((await status(ticket)).StatusCode).toBe(0);

    const { body: a2 } = await call(token, '/api/h5/start', { failRedirect: 'https://partner.example/failed' });
    expect(a2.seq).toBe(2);
    const ab = await call(token, '/api/h5/abort', { attemptId: a2.attemptId, reason: 'LIVENESS_TIMEOUT' });
    expect(ab.body).toEqual({ outcome: 'failed', reason: 'LIVENESS_TIMEOUT', attemptsLeft: 0, redirectUrl: 'https://partner.example/failed' });
    const st = await status(ticket);
    expect(st.StatusCode).toBe(2);
    expect(st.AuditConclusions).toBe('LIVENESS_TIMEOUT');
    expect((await call(token, '/api/h5/start', {})).body.error).toBe('TOKEN_DECIDED');
    expect((await call(token, '/api/h5/abort', { attemptId: a2.attemptId })).body).toEqual(ab.body);
  });

  it('a reload (new attempt) closes the open one; bad JSON is a typed 400 and changes nothing', async () => {
    const { ticket, token } = await newToken();
    const { body: a1 } = await call(token, '/api/h5/start', {});
    const bad = await fetch(`${server.url}/api/h5/start`, { method: 'POST', headers: { 'x-verify-token': token }, body: '{nope' });
    expect(bad.status).toBe(400);
    const { body: a2 } = await call(token, '/api/h5/start', {});
    expect(a2.seq).toBe(2);
    expect((await put(token, a1.attemptId, 0, jpeg)).body.error).toBe('ATTEMPT_CLOSED');
    expect((await call(token, '/api/h5/start', {})).body.error).toBe('ATTEMPTS_EXHAUSTED');
    const st = await status(ticket);
    expect(st.StatusCode).toBe(2);
    expect(st.AuditConclusions).toBe('MAX_ATTEMPTS_EXCEEDED');
  });
});
