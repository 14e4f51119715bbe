// Genuine people must pass through the page (issue 7): every clip in ../shared/media/videos, for
// each action its README lists, in Chromium with the fake camera at 360×640, the reference photo
// cut from the same clip at another moment. Prints (and writes to test-results/) a table: clip,
// action, outcome, reason, seconds to the first challenge, seconds to the decision.
import fs from 'node:fs';
import path from 'node:path';
import RPCClient from '@alicloud/pop-core';
import { CloudauthClient } from '../tests/helpers/rpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServer, type RunningServer } from '../tests/helpers/server';
import { attemptTrail, launch, missingPrerequisite, phonePage, still, tempDir, video } from './helpers';
import { oneCameraSuiteAtATime } from './camera-suite-lock';

const missing = missingPrerequisite();
if (missing) console.warn(`[skip] live-capture genuine clips: ${missing}`);

const KEY = { id: 'LTAIe2eLiveGenuine1', secret: 'e2e-live-genuine-secret-0123456789' };

/** Clip, action, and a moment (s) of the clip for the reference photo (frontal, eyes open). */
const CASES: { clip: string; action: string; ref: number }[] = [
  { clip: 'v01_blink_glasses_man_webcam', action: 'blink', ref: 3.0 },
  { clip: 'v03_mouth_open_man', action: 'mouth_open', ref: 6.8 },
  { clip: 'v03_mouth_open_man', action: 'blink', ref: 6.8 },
  { clip: 'v06_blinks_long_eye_closure_selfie_man', action: 'blink', ref: 2.5 },
  { clip: 'v07_head_turn_lr_nod_tilt_woman_webcam', action: 'turn_left', ref: 3.0 },
  { clip: 'v07_head_turn_lr_nod_tilt_woman_webcam', action: 'turn_right', ref: 3.0 },
  { clip: 'v07_head_turn_lr_nod_tilt_woman_webcam', action: 'nod', ref: 3.0 },
  { clip: 'v10_grin_gaze_blink_man_greenscreen', action: 'blink', ref: 0.3 },
  { clip: 'v11_grimaces_tongue_blinks_woman', action: 'mouth_open', ref: 1.0 },
  { clip: 'v11_grimaces_tongue_blinks_woman', action: 'blink', ref: 1.0 },
  { clip: 'v12_talking_mouth_open_gaze_blinks_woman', action: 'mouth_open', ref: 5.5 },
  { clip: 'v12_talking_mouth_open_gaze_blinks_woman', action: 'blink', ref: 5.5 },
  { clip: 'v14_smirks_one_eye_squints_glasses_man', action: 'blink', ref: 2.5 },
];

/** One browser at a time from this file: vitest runs another test file beside it on 2 cores, and each browser runs the face worker at ≈ 25 fps. */
function limiter(n: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    while (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

describe.skipIf(!!missing)('live capture: every genuine clip passes through the page', () => {
  let server: RunningServer;
  let client: RPCClient;
  let tmp: string;
  const rows: string[] = [];
  const limit = limiter(1);

  oneCameraSuiteAtATime();

  beforeAll(async () => {
    tmp = tempDir();
    const actions = ['blink', 'mouth_open', 'turn_left', 'turn_right', 'nod'];
    server = await startServer({
      provision: {
        accessKeys: [KEY],
        scenes: [
          ...actions.map((a) => ({ biz: `gen-${a}`, scheme: 'RPH5BioOnly', liveness: { actions: [a], count: 1, timeoutSeconds: 40 }, securityLevel: 2, maxAttempts: 1 })),
          // v07 is a 70 px GIF upscaled: the passive anti-spoof model scores every frame as a spoof
          // (P(live) ≈ 0.02, see verify-flow.test.ts), so its scenes switch that one signal off.
          ...actions.map((a) => ({ biz: `gen-lowres-${a}`, scheme: 'RPH5BioOnly', liveness: { actions: [a], count: 1, timeoutSeconds: 40 }, securityLevel: 2, maxAttempts: 1, livenessThreshold: 0 })),
        ],
      },
    });
    client = new CloudauthClient({ accessKeyId: KEY.id, accessKeySecret: KEY.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'] });
  });

  afterAll(async () => {
    const table = ['| clip | action | outcome | reason | s to first challenge | s to decision |', '|---|---|---|---|---|---|', ...rows].join('\n');
    console.log(`\n${table}\n`);
    fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'test-results', 'live-capture-genuine.md'), `${table}\n`);
    await server?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe.concurrent('clips', () => {
    for (const c of CASES) {
      it(`${c.clip} · ${c.action} → passed`, async () => {
        await limit(async () => {
          const biz = c.clip.startsWith('v07') ? `gen-lowres-${c.action}` : `gen-${c.action}`;
          const ticket = `gen-${c.clip.slice(0, 3)}-${c.action}-${Date.now()}`;
          const ref = still(video(c.clip), c.ref, tmp);
          const r = (await client.request('GetVerifyToken', { Biz: biz, TicketId: ticket, Binding: JSON.stringify({ Name: '张三', FacePic: `base64://${ref.toString('base64')}` }) }, { method: 'POST' })) as any;
          const browser = await launch(video(c.clip));
          try {
            const page = await phonePage(browser);
            const said: string[] = [];
            page.on('console', (m) => m.text().startsWith('[verify]') && said.push(m.text()));
            await page.goto(r.Data.CloudauthPageUrl);
            await page.getByRole('button').first().click();
            const t0 = Date.now();
            let firstChallenge: number | null = null;
            let st: string | null = null;
            while (Date.now() - t0 < 100_000) {
              st = await page.locator('[data-flow-state]').getAttribute('data-flow-state').catch(() => null);
              if (st === 'challenge' && firstChallenge === null) firstChallenge = Date.now() - t0;
              if (st === 'result' || st === 'error') break;
              await new Promise((res) => setTimeout(res, 100));
            }
            const decided = (Date.now() - t0) / 1000;
            const outcome = (await page.locator('[data-outcome]').getAttribute('data-outcome').catch(() => null)) ?? st;
            const reason = (await page.locator('[data-reason]').getAttribute('data-reason').catch(() => null)) ?? (await page.locator('[data-error]').getAttribute('data-error').catch(() => null)) ?? '';
            const status = ((await client.request('GetStatus', { Biz: biz, TicketId: ticket }, { method: 'POST' })) as any).Data;
            rows.push(`| ${c.clip} | ${c.action} | ${outcome} | ${reason || status.AuditConclusions || ''} | ${firstChallenge === null ? '—' : (firstChallenge / 1000).toFixed(1)} | ${decided.toFixed(1)} |`);
            expect(outcome, `${c.clip} ${c.action}: ${reason} ${said.join('; ')}\n${attemptTrail(server.dataDir)}`).toBe('passed');
            expect(status.StatusCode).toBe(1);
          } finally {
            await browser.close().catch(() => undefined);
          }
        });
      }, 400_000);
    }
  });
});
