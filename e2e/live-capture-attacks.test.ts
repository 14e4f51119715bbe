// Attacks on the live capture (issue 7, DESIGN §8) that must NOT pass, each asserting the
// reason. Scripted attackers talk to the real H5 endpoints with frames cut from real clips
// (../shared/media, never committed); the still spoof loops go through the real page in
// Chromium with the fake camera. The server is the real built app with the real engine.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import RPCClient from '@alicloud/pop-core';
import { CloudauthClient } from '../tests/helpers/rpc';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../tests/helpers/server';
import { FFMPEG, launch, missingPrerequisite, phonePage, spoofLoop, still, tempDir, video } from './helpers';
import { oneCameraSuiteAtATime } from './camera-suite-lock';
import { streamBatch as batch } from '../tests/helpers/stream-batch';

const missing = missingPrerequisite();
if (missing) console.warn(`[skip] live-capture attack tests: ${missing}`);

const KEY = { id: 'LTAIe2eLiveAttacks1', secret: 'e2e-live-attacks-secret-0123456789' };
const V01 = 'v01_blink_glasses_man_webcam';
const V03 = 'v03_mouth_open_man';
const V07 = 'v07_head_turn_lr_nod_tilt_woman_webcam';
const V12 = 'v12_talking_mouth_open_gaze_blinks_woman';
const FPS = 8;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Frames of a clip at 8 fps, downscaled like the page's stream (short side 240), optionally re-framed (zoom, shift). */
function cutFrames(dir: string, clip: string, opts: { zoom?: number; name?: string } = {}): Buffer[] {
  const out = path.join(dir, opts.name ?? clip);
  fs.mkdirSync(out, { recursive: true });
  const z = opts.zoom ?? 1;
  const vf = z === 1 ? `fps=${FPS},scale=w=240:h=240:force_original_aspect_ratio=increase` : `fps=${FPS},crop=iw/${z}:ih/${z}:iw*0.05:ih*0.02,scale=w=240:h=240:force_original_aspect_ratio=increase`;
  execFileSync(FFMPEG, ['-loglevel', 'error', '-y', '-framerate', '30', '-i', video(clip), '-vf', vf, '-q:v', '4', path.join(out, '%04d.jpg')]);
  return fs.readdirSync(out).sort().map((f) => fs.readFileSync(path.join(out, f)));
}


describe.skipIf(!!missing)('live capture: attacks that must not pass', () => {
  let server: RunningServer;
  let client: RPCClient;
  let tmp: string;
  const clips: Record<string, Buffer[]> = {};
  const browsers: Browser[] = [];

  oneCameraSuiteAtATime();

  beforeAll(async () => {
    tmp = tempDir();
    const scene = (biz: string, actions: string[], extra: Record<string, unknown> = {}) => ({ biz, scheme: 'RPH5BioOnly', liveness: { actions, count: actions.length, timeoutSeconds: 20 }, securityLevel: 2, maxAttempts: 1, ...extra });
    server = await startServer({
      provision: {
        accessKeys: [KEY],
        scenes: [
          scene('atk-blink', ['blink']),
          scene('atk-mouth', ['mouth_open']),
          // v07 is a 70 px GIF upscaled: the passive anti-spoof model cannot vouch for it (see verify-flow.test.ts), so that one signal is off here; the test is about timing.
          scene('atk-turn', ['turn_left'], { livenessThreshold: 0 }),
          scene('atk-spoof', ['blink'], { liveness: { actions: ['blink'], count: 1, timeoutSeconds: 8 } }),
          scene('atk-virtual', ['blink'], { liveness: { actions: ['blink'], count: 1, timeoutSeconds: 20, rejectVirtualCamera: true } }),
        ],
      },
    });
    client = new CloudauthClient({ accessKeyId: KEY.id, accessKeySecret: KEY.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'] });
    clips[V01] = cutFrames(tmp, V01);
    clips[V03] = cutFrames(tmp, V03);
    clips[V07] = cutFrames(tmp, V07);
    clips[V12] = cutFrames(tmp, V12);
    clips[`${V12}-zoom`] = cutFrames(tmp, V12, { zoom: 1.5, name: `${V12}-zoom` });
  });

  // Each flow's browser closes with its test (an open page keeps its camera and worker busy).
  afterEach(async () => {
    for (const b of browsers.splice(0)) await b.close().catch(() => undefined);
  });

  afterAll(async () => {
    for (const b of browsers) await b.close().catch(() => undefined);
    await server?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function token(biz: string, refClip: string): Promise<{ ticket: string; token: string }> {
    const ticket = `atk-${biz}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const ref = still(video(refClip), 5.5, tmp);
    const r = (await client.request('GetVerifyToken', { Biz: biz, TicketId: ticket, Binding: JSON.stringify({ Name: '张三', FacePic: `base64://${ref.toString('base64')}` }) }, { method: 'POST' })) as any;
    return { ticket, token: r.Data.VerifyToken.Token };
  }
  const status = async (biz: string, ticket: string) => ((await client.request('GetStatus', { Biz: biz, TicketId: ticket }, { method: 'POST' })) as any).Data;

  /** The attacker's client: the same endpoints the page uses, driven by a script. */
  function attacker(tok: string) {
    const post = async (p: string, body: unknown) => {
      const r = await fetch(`${server.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-verify-token': tok }, body: JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as any };
    };
    let attemptId = '';
    let seq = 0;
    const sent: { seq: number; t: number; data: Buffer }[] = [];
    return {
      sent,
      async start(label = 'Integrated Camera') {
        const r = await post('/api/h5/start', { camera: { label, settings: { width: 640, height: 480, frameRate: 30 } } });
        expect(r.status).toBe(200);
        attemptId = r.body.attemptId;
        return r.body;
      },
      async send(frames: { data: Buffer; t?: number }[]) {
        const list = frames.map((f) => ({ seq: seq++, t: f.t ?? Date.now(), data: f.data }));
        sent.push(...list);
        const r = await fetch(`${server.url}/api/h5/stream?attempt=${attemptId}`, { method: 'POST', headers: { 'x-verify-token': tok, 'content-type': 'application/octet-stream' }, body: new Uint8Array(batch(list)) });
        expect(r.status, await r.clone().text()).toBe(200);
        return (await r.json()) as any;
      },
      /** Streams frames [from, to) of a clip in real time, one per request, at 8 fps, timestamped as captured now. */
      async live(frames: Buffer[], from: number, to: number) {
        const t0 = Date.now();
        for (let i = from; i < to; i++) {
          const due = t0 + ((i - from) * 1000) / FPS;
          if (due > Date.now()) await sleep(due - Date.now());
          await this.send([{ data: frames[i % frames.length]! }]);
        }
      },
      challenge: () => post('/api/h5/challenge', { attemptId }),
      finish: (bestSeq = 0) => post('/api/h5/finish', { attemptId, bestSeq }),
    };
  }

  it('frames cut from a clip and uploaded at once (no live cadence) → CAPTURE_NOT_LIVE', async () => {
    const { ticket, token: tok } = await token('atk-blink', V01);
    const a = attacker(tok);
    await a.start();
    const f = clips[V01]!;
    // 2.5 s of "capture" (a blink at ≈1.3 s), timestamps forged to look like 8 fps, posted in one go.
    const now = Date.now();
    await a.send([{ data: f[0]!, t: now - 2500 }]);
    expect((await a.challenge()).body.state).toBe('issued');
    await a.send(f.slice(1, 12).map((data, i) => ({ data, t: now - 2500 + (i + 1) * 125 })));
    await a.send(f.slice(12, 21).map((data, i) => ({ data, t: now + 1500 + i * 125 })));
    await sleep(500);
    const c = await a.challenge();
    const fin = c.body.state === 'decided' ? { body: c.body.outcome } : await a.finish(0);
    expect(fin.body.outcome).not.toBe('passed');
    const s = await status('atk-blink', ticket);
    expect(s.StatusCode).not.toBe(1);
    expect(fin.body.reason).toBe('CAPTURE_NOT_LIVE');
  });

  it('four stills around a blink, uploaded with pauses between them → not passed (CAPTURE_NOT_LIVE)', async () => {
    const { ticket, token: tok } = await token('atk-blink', V01);
    const a = attacker(tok);
    await a.start();
    const f = clips[V01]!;
    await a.send([{ data: f[0]! }]);
    expect((await a.challenge()).body.state).toBe('issued');
    // open, open, closed (≈1.3 s), open — one per 1.1 s, honest timestamps.
    for (const i of [8, 9, 10, 12]) {
      await sleep(1100);
      await a.send([{ data: f[i]! }]);
    }
    await sleep(600);
    const c = await a.challenge();
    const fin = c.body.state === 'decided' ? { body: c.body.outcome } : await a.finish(0);
    expect(fin.body.outcome).not.toBe('passed');
    expect((await status('atk-blink', ticket)).StatusCode).not.toBe(1);
    expect(fin.body.reason).toBe('CAPTURE_NOT_LIVE');
  });

  it('streamed at camera cadence, but the action was recorded before the challenge was issued → LIVENESS_ACTION_NOT_DETECTED', async () => {
    const { ticket, token: tok } = await token('atk-turn', V07);
    const a = attacker(tok);
    await a.start();
    const f = clips[V07]!;
    // v07 turns to the user's own left (nose to image-right) at ≈0.5–1.25 s; the challenge is
    // asked for at 1.5 s, then the recording goes on (a turn the other way, a look up; no turn_left).
    await a.live(f, 0, 12);
    const issued = await a.challenge();
    expect(issued.body).toMatchObject({ state: 'issued', challenge: { action: 'turn_left' } });
    await a.live(f, 12, 27);
    await sleep(400);
    expect((await a.challenge()).body.state).toBe('pending');
    const fin = await a.finish(0);
    expect(fin.body).toMatchObject({ outcome: 'failed', reason: 'LIVENESS_ACTION_NOT_DETECTED:turn_left' });
    expect((await status('atk-turn', ticket)).StatusCode).toBe(2);
  });

  it('a stream spliced from two recordings of two people → REPLACED_FACE_ATTACK (or a cut)', async () => {
    const { ticket, token: tok } = await token('atk-blink', V01);
    const a = attacker(tok);
    await a.start();
    await a.live(clips[V01]!, 0, 2);
    expect((await a.challenge()).body.state).toBe('issued');
    // v01 blinks at ≈0.4 and ≈1.3 s; then the other person's recording.
    await a.live(clips[V01]!, 2, 16);
    await a.live(clips[V03]!, 0, 24);
    await sleep(600);
    const c = await a.challenge();
    expect(c.body.state, JSON.stringify(c.body)).toBe('complete');
    const fin = await a.finish(1);
    expect(fin.body.outcome).toBe('failed');
    expect(['REPLACED_FACE_ATTACK', 'CAPTURE_DISCONTINUITY']).toContain(fin.body.reason);
    expect((await status('atk-blink', ticket)).StatusCode).toBe(2);
  });

  it('one person spliced from two recordings framed differently → CAPTURE_DISCONTINUITY', async () => {
    const { ticket, token: tok } = await token('atk-mouth', V12);
    const a = attacker(tok);
    await a.start();
    await a.live(clips[V12]!, 0, 4);
    expect((await a.challenge()).body.state).toBe('issued');
    // v12 opens the mouth wide at ≈2.3–2.9 s; then a second recording of her, closer and off-centre.
    await a.live(clips[V12]!, 4, 26);
    await a.live(clips[`${V12}-zoom`]!, 26, 44);
    await sleep(600);
    const c = await a.challenge();
    expect(c.body.state, JSON.stringify(c.body)).toBe('complete');
    const fin = await a.finish(1);
    expect(fin.body).toMatchObject({ outcome: 'failed', reason: 'CAPTURE_DISCONTINUITY' });
    expect((await status('atk-mouth', ticket)).StatusCode).toBe(2);
  });

  it("a previous attempt's stream replayed under a new token → CAPTURE_NOT_LIVE", async () => {
    // First, a scripted real-time stream of a recording (itself an L1 replay: a blink-only scene
    // is weak against it, as the README says; this test is about replaying the captured frames).
    const first = await token('atk-blink', V01);
    const a = attacker(first.token);
    await a.start();
    await a.live(clips[V01]!, 0, 2);
    await a.challenge();
    await a.live(clips[V01]!, 2, 16);
    await sleep(500);
    await a.challenge();
    await a.finish(1);
    // Then the same bytes again, with fresh real-time timestamps, under a new token.
    const second = await token('atk-blink', V01);
    const b = attacker(second.token);
    await b.start();
    const bytes = a.sent.map((f) => f.data);
    await b.live(bytes, 0, 2);
    expect((await b.challenge()).body.state).toBe('issued');
    await b.live(bytes, 2, bytes.length);
    await sleep(500);
    const c = await b.challenge();
    const fin = c.body.state === 'decided' ? { body: c.body.outcome } : await b.finish(1);
    expect(fin.body).toMatchObject({ outcome: 'failed', reason: 'CAPTURE_NOT_LIVE' });
    expect((await status('atk-blink', second.ticket)).StatusCode).toBe(2);
  });

  it('a virtual camera on a scene that rejects them → VIRTUAL_CAMERA, recorded in the audit trail', async () => {
    const { ticket, token: tok } = await token('atk-virtual', V01);
    const a = attacker(tok);
    await a.start('OBS Virtual Camera');
    await a.live(clips[V01]!, 0, 2);
    await a.challenge();
    await a.live(clips[V01]!, 2, 16);
    await sleep(400);
    await a.challenge();
    const fin = await a.finish(1);
    expect(fin.body).toMatchObject({ outcome: 'failed', reason: 'VIRTUAL_CAMERA' });
    expect((await status('atk-virtual', ticket)).StatusCode).toBe(2);
  });

  for (const loop of ['image_F1_still_loop', 'image_F2_still_loop', 'inspireface_rgb_fake_still_loop']) {
    it(`still spoof loop ${loop} through the page → not passed`, async () => {
      const { ticket, token: tok } = await token('atk-spoof', V01);
      const browser = await launch(spoofLoop(loop));
      browsers.push(browser);
      const page = await phonePage(browser);
      await page.goto(`${server.url}/verify?token=${tok}`);
      await page.getByRole('button').first().click();
      const deadline = Date.now() + 100_000;
      let st: string | null = null;
      while (Date.now() < deadline) {
        st = await page.locator('[data-flow-state]').getAttribute('data-flow-state').catch(() => null);
        if (st === 'result' || st === 'error') break;
        await sleep(250);
      }
      expect(['result', 'error']).toContain(st);
      const outcome = await page.locator('[data-outcome]').getAttribute('data-outcome').catch(() => null);
      expect(outcome).not.toBe('passed');
      expect((await status('atk-spoof', ticket)).StatusCode).not.toBe(1);
    }, 120_000);
  }
});
