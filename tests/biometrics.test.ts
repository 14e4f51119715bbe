// Server biometrics on real faces. Needs ../shared/media (DESIGN §5) and the models
// (node scripts/prepare-models.mjs); skips with a notice when the media folder is absent.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { BiometricError, getBiometricEngine, type BiometricEngine } from '../lib/biometrics';
import { passThresholdForSecurityLevel, scoreAtFar, similarityScore } from '../lib/biometrics/scores';

const MEDIA = path.resolve(__dirname, '../../shared/media');
const hasMedia = fs.existsSync(path.join(MEDIA, 'pairs'));
if (!hasMedia) console.warn(`[biometrics.test] skipped: test media not found at ${MEDIA}`);

const media = (rel: string) => fs.readFileSync(path.join(MEDIA, rel));

async function expectCode(p: Promise<unknown>, code: string) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BiometricError);
  expect((err as BiometricError).code).toBe(code);
}

describe.skipIf(!hasMedia)('biometrics engine (real media)', () => {
  let engine: BiometricEngine;
  beforeAll(async () => {
    engine = await getBiometricEngine();
  });

  const score = async (a: string, b: string) => {
    const [x, y] = await Promise.all([engine.analyze(media(`pairs/${a}`), { embed: true }), engine.analyze(media(`pairs/${b}`), { embed: true })]);
    return similarityScore(engine.cosine(x.faces[0]!.embedding!, y.faces[0]!.embedding!));
  };

  it('returns the same engine instance to every caller', async () => {
    expect(await getBiometricEngine()).toBe(engine);
  });

  it('scores a same-person pair above the FAR 1e-3 threshold and a different-person pair below it', async () => {
    const threshold = passThresholdForSecurityLevel(1);
    expect(threshold).toBe(scoreAtFar(1e-3));
    expect(await score('face_recognition/obama/obama.jpg', 'face_recognition/obama/obama2.jpg')).toBeGreaterThan(threshold);
    expect(await score('face_recognition/biden/biden.jpg', 'face_recognition/biden/biden2.jpg')).toBeGreaterThan(threshold);
    expect(await score('face_recognition/obama/obama.jpg', 'face_recognition/biden/biden.jpg')).toBeLessThan(threshold);
    expect(await score('openface/lennon-1.jpg', 'openface/clapton-1.jpg')).toBeLessThan(threshold);
  });

  it('finds the face in a tight aligned 150 px chip (no margin)', async () => {
    const r = await engine.analyze(media('pairs/dlib-johns/John_Simm/000297_00470170.jpg'), { embed: true });
    expect(r.faces).toHaveLength(1);
    expect(r.faces[0]!.embedding).toHaveLength(512);
  });

  it('puts the largest prominent face first in a multi-face image', async () => {
    for (const file of ['fr_kit_with_rose.jpg', 'fr_two_people.jpg', 'fr_obama_and_biden.jpg']) {
      const r = await engine.analyze(media(`multiface/${file}`));
      expect(r.faces.length, file).toBeGreaterThanOrEqual(2);
      const area = (i: number) => r.faces[i]!.box.width * r.faces[i]!.box.height;
      for (let i = 1; i < r.faces.length; i++) {
        if (r.faces[i]!.score >= 0.9) expect(area(0), file).toBeGreaterThanOrEqual(area(i));
      }
    }
  });

  it('returns zero faces for an image without a face', async () => {
    const noise = Buffer.alloc(320 * 240 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const png = await sharp(noise, { raw: { width: 320, height: 240, channels: 3 } }).png().toBuffer();
    const plain = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#7a9' } }).jpeg().toBuffer();
    expect((await engine.analyze(png)).faces).toHaveLength(0);
    expect((await engine.analyze(plain)).faces).toHaveLength(0);
  });

  it('rejects corrupt bytes with NOT_AN_IMAGE', async () => {
    await expectCode(engine.analyze(Buffer.from('definitely not a jpeg')), 'NOT_AN_IMAGE');
    const truncated = media('pairs/face_recognition/obama/obama.jpg').subarray(0, 2000);
    await expectCode(engine.analyze(truncated), 'NOT_AN_IMAGE');
  });

  it('rejects a 5000 px image with IMAGE_DIMENSIONS_TOO_LARGE', async () => {
    const wide = await sharp({ create: { width: 5000, height: 200, channels: 3, background: '#888' } }).png().toBuffer();
    expect(wide.length).toBeLessThan(2 * 1024 * 1024);
    await expectCode(engine.analyze(wide), 'IMAGE_DIMENSIONS_TOO_LARGE');
  });

  it('rejects a 3 MB upload with IMAGE_TOO_LARGE before decoding it', async () => {
    const big = Buffer.concat([media('pairs/face_recognition/obama/obama.jpg'), Buffer.alloc(3 * 1024 * 1024)]);
    await expectCode(engine.analyze(big), 'IMAGE_TOO_LARGE');
  });

  it('gives the printed photo and the screen replay a lower P(live) than the live person', async () => {
    const live = await engine.analyze(media('spoof/silent-face/image_T1_upright.jpg'), { liveness: true });
    const p = live.faces[0]!.liveness!;
    for (const spoof of ['image_F1_upright.jpg', 'image_F2_upright.jpg']) {
      const r = await engine.analyze(media(`spoof/silent-face/${spoof}`), { liveness: true });
      expect(r.faces[0]!.liveness!, spoof).toBeLessThan(p);
    }
  });

  it('applies EXIF orientation (sideways-stored photo analyses like its upright copy)', async () => {
    const [raw, upright] = await Promise.all([
      engine.analyze(media('spoof/silent-face/image_T1.jpg'), { embed: true }),
      engine.analyze(media('spoof/silent-face/image_T1_upright.jpg'), { embed: true }),
    ]);
    expect([raw.width, raw.height]).toEqual([upright.width, upright.height]);
    expect(engine.cosine(raw.faces[0]!.embedding!, upright.faces[0]!.embedding!)).toBeGreaterThan(0.9);
  });

  it('gets the head-pose signs and eye states of the labelled stills right', async () => {
    const at = async (f: string) => (await engine.analyze(media(`videos/stills-pose-eyes/${f}`))).faces[0]!;
    expect((await at('left_face.jpeg')).pose.yaw).toBeLessThan(-10);
    expect((await at('right_face.png')).pose.yaw).toBeGreaterThan(10);
    expect((await at('rise_face.jpeg')).pose.pitch).toBeGreaterThan(3);
    expect((await at('lower_face.jpeg')).pose.pitch).toBeLessThan(-10);
    expect((await at('left_wryneck.png')).pose.roll).toBeLessThan(-25);
    expect((await at('right_wryneck.png')).pose.roll).toBeGreaterThan(25);
    const open = await at('open_eyes.png');
    const closed = await at('close_eyes.jpeg');
    const wink = await at('close_open_eyes.jpeg');
    expect(Math.min(open.eyeOpen.left, open.eyeOpen.right)).toBeGreaterThan(0.5);
    expect(Math.max(closed.eyeOpen.left, closed.eyeOpen.right)).toBeLessThan(0.5);
    expect(Math.min(wink.eyeOpen.left, wink.eyeOpen.right)).toBeLessThan(0.5);
    expect(Math.max(wink.eyeOpen.left, wink.eyeOpen.right)).toBeGreaterThan(0.5);
    expect(Math.max(closed.ear.left, closed.ear.right)).toBeLessThan(Math.min(open.ear.left, open.ear.right));
  });
});
