// The server's identity frames on real clips: every frame the decision may compare with the best
// frame (a random sample, or the rest frame an action starts from) must be a view whose pose the
// server reads right. Streams each genuine dev clip as the page does (8 fps, short side 240 px,
// JPEG), measures it with the server's own per-frame stage and embeds it. Needs ../shared/media
// and ffmpeg; skips with a notice otherwise.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBiometricEngine, type BiometricEngine } from '../lib/biometrics';
import { passThresholdForSecurityLevel, similarityScore } from '../lib/biometrics/scores';
import { measureFrame } from '../lib/verification/h5/stream';
import { findAction, pickSamples, steadyViews, STREAM_RULES, type StreamFrame } from '../lib/verification/h5/stream-checks';

const VIDEOS = path.resolve(__dirname, '../../shared/media/videos');
const FFMPEG = '/usr/bin/ffmpeg';
const why = !fs.existsSync(VIDEOS) ? `${VIDEOS} is missing` : !fs.existsSync(FFMPEG) ? 'ffmpeg is missing' : null;
if (why) console.warn(`[steady-views-media.test] skipped: ${why}`);

const CLIPS = fs.existsSync(VIDEOS) ? fs.readdirSync(VIDEOS).filter((f) => f.endsWith('.mjpeg')).map((f) => f.replace(/\.mjpeg$/, '')).sort() : [];

describe.skipIf(!!why)('steady views on the genuine clips (real media)', () => {
  let engine: BiometricEngine;
  let tmp: string;
  const bar = passThresholdForSecurityLevel(1);
  beforeAll(async () => {
    engine = await getBiometricEngine();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'steady-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** The clip as the page streams it, measured by the server, with an embedding per frame. */
  async function stream(clip: string): Promise<{ frames: StreamFrame[]; embeddings: Map<number, Float32Array> }> {
    const dir = path.join(tmp, clip);
    fs.mkdirSync(dir, { recursive: true });
    execFileSync(FFMPEG, ['-loglevel', 'error', '-i', path.join(VIDEOS, `${clip}.mjpeg`), '-vf', 'fps=8,scale=-2:240', '-q:v', '6', path.join(dir, 'f%04d.jpg')]);
    const frames: StreamFrame[] = [];
    const embeddings = new Map<number, Float32Array>();
    const files = fs.readdirSync(dir).sort();
    for (let i = 0; i < files.length; i++) {
      const data = fs.readFileSync(path.join(dir, files[i]!));
      frames.push({ seq: i, captureTs: 10_000 + i * 125, arrivalTs: 1e6 + 10_000 + i * 125 + 80, facts: (await measureFrame(data)).facts });
      const e = (await engine.analyze(data, { embed: true, maxFaces: 1 })).faces[0]?.embedding;
      if (e) embeddings.set(i, e);
    }
    return { frames, embeddings };
  }

  it.each(CLIPS)('%s: every sample and rest frame the server may pick is the same person as the best frame', async (clip) => {
    const { frames, embeddings } = await stream(clip);
    expect(frames.length).toBeGreaterThan(20);
    const steady = steadyViews(frames);
    // The best frame stands in for the page's choice: the most frontal steady view with open eyes.
    const best = frames
      .filter((f) => steady.has(f.seq) && f.facts!.face!.eyeOpen >= 0.5 && embeddings.has(f.seq))
      .sort((a, b) => Math.abs(a.facts!.face!.yaw) + Math.abs(a.facts!.face!.pitch) - (Math.abs(b.facts!.face!.yaw) + Math.abs(b.facts!.face!.pitch)))[0]!;
    expect(best).toBeDefined();
    const score = (seq: number) => similarityScore(engine.cosine(embeddings.get(best.seq)!, embeddings.get(seq)!));
    // A random sample and an action's rest ("before") frame are both steady views: checking every
    // steady view covers every draw. The samples are drawn from them only.
    for (let r = 0; r < 8; r++) for (const s of pickSamples(frames, 6, (max) => r % max, steady)) expect(steady.has(s), `sample ${s}`).toBe(true);
    expect(steady.size).toBeGreaterThan(6);
    const failing = [...steady].filter((s) => embeddings.has(s) && score(s) < bar).map((s) => `${s}:${score(s).toFixed(1)}`);
    expect(failing, `frames scoring below ${bar} against frame ${best.seq}`).toEqual([]);
  }, 120_000);

  it('v07: the misread head-back frames are not steady views, and the old rule would have sampled them', async () => {
    const { frames, embeddings } = await stream('v07_head_turn_lr_nod_tilt_woman_webcam');
    const steady = steadyViews(frames);
    const frontalLooking = frames.filter((f) => f.facts?.face && f.facts.faceCount === 1 && (f.facts.score ?? 0) >= STREAM_RULES.continuity.minScore && Math.abs(f.facts.face.yaw) <= 25 && Math.abs(f.facts.face.pitch) <= 25);
    const ref = frontalLooking.find((f) => steady.has(f.seq) && Math.abs(f.facts!.face!.yaw) < 5)!;
    const score = (seq: number) => similarityScore(engine.cosine(embeddings.get(ref.seq)!, embeddings.get(seq)!));
    const misread = frontalLooking.filter((f) => embeddings.has(f.seq) && score(f.seq) < bar);
    // The pose model reads a head tipped far back as frontal; those frames do not match her own face.
    expect(misread.length).toBeGreaterThan(0);
    for (const f of misread) expect(steady.has(f.seq), `frame ${f.seq}`).toBe(false);
    // The turns themselves are still found from a steady rest frame.
    const off = 1e6;
    expect(findAction('turn_left', frames, 0, 1e12, off)).not.toBe(null);
    expect(findAction('turn_right', frames, 0, 1e12, off)).not.toBe(null);
    expect(findAction('nod', frames, 0, 1e12, off)).not.toBe(null);
  }, 120_000);
});
