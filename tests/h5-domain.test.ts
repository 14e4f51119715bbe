// Pure parts of the H5 flow: challenge choice, redirect policy, evidence rules, the decision
// order, the page's state machine and its action tracker. No server, no media.
import { describe, expect, it } from 'vitest';
import { chooseChallenges, perChallengeTimeoutSeconds } from '../lib/verification/h5/challenges';
import { allowedRedirect } from '../lib/verification/h5/redirect';
import { actionVisible, checkSamePerson, countPeople, type FaceFacts, type FrameFacts } from '../lib/verification/h5/checks';
import { decide, type Scoring } from '../lib/verification/h5/decision';
import { isRetryable } from '../lib/verification/h5/reasons';
import { initialState, reduce } from '../app/verify/machine';
import { detectBrowser, inAppKind } from '../app/verify/in-app';
import { ChallengeTracker } from '../app/verify/capture/challenge-tracker';
import { CATALOGUES, reasonMessage } from '../lib/i18n/messages';

const face = (o: Partial<FaceFacts> = {}): FaceFacts => ({ relativeSize: 0.5, yaw: 0, pitch: 0, eyeOpen: 1, ear: 0.28, mar: 0.03, sharpness: 200, brightness: 120, liveness: 0.99, embedding: new Float32Array([1, 0]), ...o });

describe('challenges', () => {
  it('picks count distinct actions from the scene, in random order', () => {
    const all = ['blink', 'mouth_open', 'turn_left', 'turn_right', 'nod'] as const;
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const c = chooseChallenges(all, 2);
      expect(c).toHaveLength(2);
      expect(new Set(c).size).toBe(2);
      seen.add(c.join(','));
    }
    expect(seen.size).toBeGreaterThan(10);
    expect(chooseChallenges(['blink', 'blink'], 2)).toEqual(['blink']);
    expect(perChallengeTimeoutSeconds(60, 2)).toBe(30);
    expect(perChallengeTimeoutSeconds(5, 3)).toBe(8);
  });
});

describe('redirect policy', () => {
  const origins = ['https://partner.example', 'http://127.0.0.1:8080'];
  it.each([
    ['https://partner.example/done?x=1', 'https://partner.example/done?x=1'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080/'],
    ['https://partner.example.evil.com/', null],
    ['http://partner.example/', null],
    ['javascript:alert(1)', null],
    ['data:text/html,hi', null],
    ['/relative', null],
    ['//partner.example/x', null],
    ['https://user:pw@partner.example/', null],
    ['', null],
  ])('%s → %s', (raw, expected) => expect(allowedRedirect(raw, origins)).toBe(expected));
});

describe('evidence rules (server)', () => {
  it('blink: closed frame between open frames', () => {
    expect(actionVisible('blink', face(), face({ eyeOpen: 0, ear: 0.18 }), face())).toBe(true);
    expect(actionVisible('blink', face(), face({ eyeOpen: 0.9, ear: 0.27 }), face())).toBe(false);
    expect(actionVisible('blink', face({ eyeOpen: 0 }), face({ eyeOpen: 0, ear: 0.18 }), face())).toBe(false);
  });
  it('turns follow the user-own-left convention (turn_left ⇔ yaw grows, nose to image-right)', () => {
    expect(actionVisible('turn_left', face({ yaw: -2 }), face({ yaw: 35 }), face())).toBe(true);
    expect(actionVisible('turn_right', face({ yaw: -2 }), face({ yaw: 35 }), face())).toBe(false);
    expect(actionVisible('turn_right', face({ yaw: 0 }), face({ yaw: -30 }), face())).toBe(true);
  });
  it('mouth and nod', () => {
    expect(actionVisible('mouth_open', face(), face({ mar: 0.6 }), face())).toBe(true);
    expect(actionVisible('mouth_open', face(), face({ mar: 0.2 }), face())).toBe(false);
    expect(actionVisible('nod', face({ pitch: 2 }), face({ pitch: -20 }), face())).toBe(true);
    expect(actionVisible('nod', face({ pitch: 2 }), face({ pitch: 10 }), face())).toBe(false);
  });
  it('counts a second face only when it is a person-sized face', () => {
    expect(countPeople([200, 30])).toBe(1);
    expect(countPeople([200, 150])).toBe(2);
    expect(countPeople([])).toBe(0);
  });
  it('a replaced face is caught; a turned peak may match its own neighbours', () => {
    const A = new Float32Array([1, 0]);
    const B = new Float32Array([0, 1]);
    const AB = new Float32Array([0.7, 0.7]);
    const same = (x: Float32Array, y: Float32Array) => x[0]! * y[0]! + x[1]! * y[1]! > 0.6;
    const frames = (peak: Float32Array, after: Float32Array): FrameFacts[] => [
      { idx: 0, role: 'best', action: null, faceCount: 1, face: face({ embedding: A }) },
      { idx: 1, role: 'before', action: 'nod', faceCount: 1, face: face({ embedding: AB }) },
      { idx: 2, role: 'peak', action: 'nod', faceCount: 1, face: face({ embedding: peak }) },
      { idx: 3, role: 'after', action: 'nod', faceCount: 1, face: face({ embedding: after }) },
    ];
    expect(checkSamePerson(frames(B, A), same)).toBe(null); // B matches its neighbour AB
    expect(checkSamePerson(frames(new Float32Array([-1, 0]), A), same)).toBe('REPLACED_FACE_ATTACK');
    expect(checkSamePerson(frames(A, B), same)).toBe('REPLACED_FACE_ATTACK');
  });
});

describe('decision order', () => {
  const scoring: Scoring = { cosine: (a, b) => a[0]! * b[0]! + a[1]! * b[1]!, similarityScore: (c) => Math.max(0, c) * 100, passThreshold: (l) => 50 + l * 10 };
  const frames = (o: Partial<FaceFacts> = {}): FrameFacts[] => [
    { idx: 0, role: 'best', action: null, faceCount: 1, face: face(o) },
    { idx: 1, role: 'before', action: 'blink', faceCount: 1, face: face(o) },
    { idx: 2, role: 'peak', action: 'blink', faceCount: 1, face: face({ ...o, eyeOpen: 0, ear: 0.15 }) },
    { idx: 3, role: 'after', action: 'blink', faceCount: 1, face: face(o) },
  ];
  const base = { challenges: ['blink'] as const, securityLevel: 2 as const, livenessThreshold: 0.5, scoring };
  it('passes a live, consistent person matching the reference', () => {
    const d = decide({ ...base, frames: frames(), reference: { face: face() } });
    expect(d).toMatchObject({ passed: true, reason: null, similarityScore: 100 });
  });
  it('no reference photo fails rather than passing on liveness alone', () => {
    expect(decide({ ...base, frames: frames(), reference: null }).reason).toBe('NO_REFERENCE_PHOTO');
    expect(decide({ ...base, frames: frames(), reference: { face: undefined } }).reason).toBe('REFERENCE_PHOTO_NO_FACE');
  });
  it('another person, a spoof, a missed action, two people', () => {
    expect(decide({ ...base, frames: frames(), reference: { face: face({ embedding: new Float32Array([0, 1]) }) } })).toMatchObject({ reason: 'NOT_SAME_PERSON', retryable: false, similarityScore: 0 });
    expect(decide({ ...base, frames: frames({ liveness: 0.1 }), reference: { face: face() } }).reason).toBe('SPOOF_SUSPECTED');
    expect(decide({ ...base, livenessThreshold: 0, frames: frames({ liveness: 0.1 }), reference: { face: face() } }).passed).toBe(true);
    const noBlink = frames();
    noBlink[2] = { ...noBlink[2]!, face: face() };
    expect(decide({ ...base, frames: noBlink, reference: { face: face() } })).toMatchObject({ reason: 'LIVENESS_ACTION_NOT_DETECTED:blink', retryable: true });
    const two = frames();
    two[1] = { ...two[1]!, faceCount: 2 };
    expect(decide({ ...base, frames: two, reference: { face: face() } }).reason).toBe('MULTIPLE_FACES');
  });
  it('retryable vs final reasons', () => {
    expect(isRetryable('LIVENESS_TIMEOUT')).toBe(true);
    expect(isRetryable('LIVENESS_ACTION_NOT_DETECTED:nod')).toBe(true);
    expect(isRetryable('NOT_SAME_PERSON')).toBe(false);
    expect(isRetryable('SPOOF_SUSPECTED')).toBe(false);
    expect(isRetryable('REPLACED_FACE_ATTACK')).toBe(false);
    expect(isRetryable('ALIGN_TIMEOUT')).toBe(true);
    expect(isRetryable('CAPTURE_NOT_LIVE')).toBe(true);
    expect(isRetryable('CAPTURE_DISCONTINUITY')).toBe(false);
    expect(isRetryable('VIRTUAL_CAMERA')).toBe(false);
  });
});

describe('page state machine', () => {
  it('walks intro → permission → loading → align → challenge → uploading → result', () => {
    let s = reduce(initialState, { type: 'START' });
    expect(s.name).toBe('permission');
    // Models loading while the permission prompt is open do not change what the page says.
    s = reduce(s, { type: 'LOAD_PROGRESS', progress: 0.4 });
    expect(s).toEqual({ name: 'permission', progress: 0.4 });
    s = reduce(s, { type: 'CAMERA_READY' });
    expect(s).toEqual({ name: 'loading', progress: 0.4, stage: 'models' });
    s = reduce(s, { type: 'LOAD_PROGRESS', progress: 0.5 });
    expect(s).toEqual({ name: 'loading', progress: 0.5, stage: 'models' });
    s = reduce(s, { type: 'LOAD_PROGRESS', progress: 1, stage: 'starting' });
    expect(s).toEqual({ name: 'loading', progress: 1, stage: 'starting' });
    s = reduce(s, { type: 'READY', total: 2 });
    expect(s).toEqual({ name: 'align', prompt: 'DETECTING', help: false, total: 2 });
    s = reduce(s, { type: 'ALIGN', prompt: 'MOVE_BACK', help: true });
    expect(s).toEqual({ name: 'align', prompt: 'MOVE_BACK', help: true, total: 2 });
    s = reduce(s, { type: 'CHALLENGE', index: 0, total: 1, action: 'blink', done: false, secondsLeft: 30, prompt: null, help: false });
    s = reduce(s, { type: 'UPLOAD', progress: 0.3, checking: false });
    s = reduce(s, { type: 'DECIDED', outcome: 'retry', reason: 'USER_CANCELLED', attemptsLeft: 1, redirectUrl: null });
    expect(s.name).toBe('result');
    // Restart with the camera on: no permission screen again.
    expect(reduce(s, { type: 'RESTART' })).toEqual({ name: 'loading', progress: 1, stage: 'starting' });
  });
  it('ignores events from states already left (late timers, late frames)', () => {
    const s = reduce(initialState, { type: 'CHALLENGE', index: 0, total: 1, action: 'blink', done: false, secondsLeft: 1, prompt: null, help: false });
    expect(s).toBe(initialState);
    const r = reduce({ name: 'result', outcome: 'passed', reason: null, attemptsLeft: 0, redirectUrl: null }, { type: 'UPLOAD', progress: 1, checking: true });
    expect(r.name).toBe('result');
    // A late align frame after the result does not bring align back.
    expect(reduce(r, { type: 'ALIGN', prompt: 'HOLD', help: false }).name).toBe('result');
  });
  it('cancel before an attempt started goes back to the intro', () => {
    expect(reduce({ name: 'permission', progress: 0 }, { type: 'CANCELLED' })).toEqual({ name: 'intro' });
    expect(reduce({ name: 'result', outcome: 'failed', reason: null, attemptsLeft: 0, redirectUrl: null }, { type: 'CANCELLED' }).name).toBe('result');
  });
});

describe('action tracker (page)', () => {
  const f = (o: { yaw?: number; eye?: number; ear?: number; mar?: number; pitch?: number }) => ({
    box: { normalized: { x: 0.3, y: 0.3, width: 0.4, height: 0.4 }, pixels: { x: 0, y: 0, width: 200, height: 200 } },
    detectionScore: 0.9,
    keypoints: [],
    landmarks: [],
    pose: { yaw: o.yaw ?? 0, pitch: o.pitch ?? 0, roll: 0 },
    eyeOpen: { left: o.eye ?? 1, right: o.eye ?? 1 },
    eyeAspectRatio: { left: o.ear ?? 0.28, right: o.ear ?? 0.28 },
    mouthAspectRatio: o.mar ?? 0.03,
    brightness: 120,
    sharpness: 100,
  });
  const base = { yaw: 0, pitch: 0, ear: 0.28, mar: 0.03 };
  it('blink: before (open) → peak (closed) → after (open)', () => {
    const t = new ChallengeTracker('blink', base);
    expect(t.step(f({}), 0).keep).toBe('before');
    expect(t.step(f({ eye: 0, ear: 0.17 }), 33).keep).toBe('peak');
    expect(t.step(f({ eye: 0, ear: 0.15 }), 66).keep).toBe('peak');
    const s = t.step(f({}), 100);
    expect(s).toMatchObject({ keep: 'after', done: true });
  });
  it('turn_left needs yaw to grow (the user’s own left); turning the other way does nothing', () => {
    const t = new ChallengeTracker('turn_left', base);
    t.step(f({}), 0);
    expect(t.step(f({ yaw: -40 }), 33).keep).toBe(null);
    expect(t.step(f({ yaw: 35 }), 66).keep).toBe('peak');
    expect(t.step(f({ yaw: 35 }), 700).done).toBe(true);
  });
  it('nod: a frontal before, the strongest recognisable peak, done only when the head comes back', () => {
    const t = new ChallengeTracker('nod', base);
    expect(t.step(f({ yaw: 40 }), 0).keep).toBe(null); // level but turned away: not a "before"
    expect(t.step(f({ pitch: 2 }), 33).keep).toBe('before');
    expect(t.step(f({ pitch: 45 }), 66).keep).toBe('peak'); // first active frame, even if extreme
    expect(t.step(f({ pitch: 30 }), 100).keep).toBe('peak'); // recognisable: replaces it
    expect(t.step(f({ pitch: 55 }), 133).keep).toBe(null); // thrown back: kept out
    expect(t.step(f({ pitch: 50 }), 900)).toMatchObject({ keep: null, done: false }); // held: not done
    expect(t.step(f({ pitch: 8 }), 1000)).toMatchObject({ keep: 'after', done: true });
  });
});

describe('catalogues', () => {
  it('every reason code has a message in both languages', () => {
    for (const c of Object.values(CATALOGUES)) {
      for (const r of ['NOT_SAME_PERSON', 'SPOOF_SUSPECTED', 'NO_REFERENCE_PHOTO', 'LIVENESS_TIMEOUT', 'LIVENESS_ACTION_NOT_DETECTED:turn_left', 'REPLACED_FACE_ATTACK', 'ALIGN_TIMEOUT', 'CAPTURE_NOT_LIVE', 'CAPTURE_DISCONTINUITY', 'VIRTUAL_CAMERA']) expect(reasonMessage(c, r)).not.toBe('');
    }
    expect(Object.keys(CATALOGUES['zh-CN'].errors)).toEqual(Object.keys(CATALOGUES.en.errors));
    expect(Object.keys(CATALOGUES['zh-CN'].align)).toEqual(Object.keys(CATALOGUES.en.align));
  });
});

describe('in-app browser detection (page)', () => {
  const UAS: [string, string | null][] = [
    ['Mozilla/5.0 (Linux; Android 13; PHB110; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64', 'wechat'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI', 'wechat'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 QQ/8.9.78.614 V1_IPH_SQ_8.9.78_1_APP_A Pixel/1170', 'qq'],
    ['Mozilla/5.0 (Linux; U; Android 12; zh-CN; V2118A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/69.0.3497.100 UWS/3.22.2.43 Mobile Safari/537.36 AliApp(AP/10.5.36.8100) AlipayClient/10.5.36.8100', 'alipay'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Weibo (iPhone15,2__weibo__13.10.1__iphone__os17.0)', 'weibo'],
    ['Mozilla/5.0 (Linux; Android 13; M2012K11AC; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 AliApp(DingTalk/7.0.40) com.alibaba.android.rimet/33531201 Channel/227200 language/zh-CN', 'dingtalk'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/121.0.6167.101 Mobile Safari/537.36', 'android-webview'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148', 'ios-webview'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1', null],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1', null],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Mobile Safari/537.36', null],
    ['Mozilla/5.0 (Linux; U; Android 13; zh-cn; PHB110) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.86 MQQBrowser/14.6 Mobile Safari/537.36', null],
  ];
  it.each(UAS)('%s → %s', (ua, kind) => {
    expect(inAppKind(ua)).toBe(kind);
  });
  it('camera: missing API → blocked; an in-app browser with it → maybe; an ordinary browser → ok', () => {
    expect(detectBrowser(UAS[0]![0], false)).toEqual({ kind: 'wechat', os: 'android', camera: 'blocked' });
    expect(detectBrowser(UAS[1]![0], true)).toEqual({ kind: 'wechat', os: 'ios', camera: 'maybe' });
    expect(detectBrowser(UAS[10]![0], true)).toEqual({ kind: null, os: 'android', camera: 'ok' });
  });
});
