// CompareFaces, DetectFaceAttributes, SubmitMaterials and SubmitVerification through the official
// client against the real built app. Needs ../shared/media (real faces); skips with a notice otherwise.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import RPCClient from '@alicloud/pop-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './helpers/server';
import { GOOD_ID, PROVISION, TEST_KEY, CloudauthClient } from './helpers/rpc';

const MEDIA = path.resolve(__dirname, '../../shared/media');
const hasMedia = fs.existsSync(path.join(MEDIA, 'pairs'));
if (!hasMedia) console.warn(`[skip] face API tests: test media not found at ${MEDIA}`);

const b64 = (buf: Buffer) => `base64://${buf.toString('base64')}`;
const media = (rel: string) => fs.readFileSync(path.join(MEDIA, rel));

/** The error Code pop-core reports (it throws on any Code outside `codes`). */
async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

describe.skipIf(!hasMedia)('face APIs through @alicloud/pop-core (real images)', () => {
  let server: RunningServer;
  let client: RPCClient;
  const obamaA = () => media('pairs/face_recognition/obama/obama.jpg');
  const obamaB = () => media('pairs/face_recognition/obama/obama2.jpg');
  const biden = () => media('pairs/face_recognition/biden/biden.jpg');

  beforeAll(async () => {
    server = await startServer({
      provision: { ...PROVISION, scenes: [...PROVISION.scenes, { biz: 'rpmin', scheme: 'RPMin', securityLevel: 1 }] },
    });
    client = new CloudauthClient({ accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'] });
  });
  afterAll(() => server?.stop());

  const compare = (source: Buffer | string, target: Buffer | string, types: [string, string] = ['FacePic', 'FacePic']) =>
    client.request(
      'CompareFaces',
      { SourceImageType: types[0], SourceImageValue: typeof source === 'string' ? source : b64(source), TargetImageType: types[1], TargetImageValue: typeof target === 'string' ? target : b64(target) },
      { method: 'POST', timeout: 30_000 },
    ) as Promise<any>;

  it('CompareFaces: same person above the 1e-3 threshold, different person below it', async () => {
    const same = await compare(obamaA(), obamaB());
    const diff = await compare(obamaA(), biden(), ['FacePic', 'IDPic']);
    expect(typeof same.Data.ConfidenceThresholds).toBe('string');
    const thresholds = JSON.parse(same.Data.ConfidenceThresholds) as Record<string, string>;
    expect(Object.keys(thresholds).sort()).toEqual(['0.0001', '0.001', '0.01']);
    const t3 = Number(thresholds['0.001']);
    expect(Number(thresholds['0.0001'])).toBeGreaterThan(t3);
    expect(t3).toBeGreaterThan(Number(thresholds['0.01']));
    expect(typeof same.Data.SimilarityScore).toBe('number');
    expect(same.Data.SimilarityScore).toBeGreaterThan(t3);
    expect(diff.Data.SimilarityScore).toBeLessThan(t3);
  });

  it('CompareFaces: the seed error codes', async () => {
    const face = b64(obamaA());
    expect(await codeOf(compare(face, face, ['', 'FacePic']))).toBe('InvalidParam.ImageTypeEmpty');
    expect(await codeOf(compare(face, face, ['Selfie', 'FacePic']))).toBe('InvalidParam.ImageTypeInvalid');
    expect(await codeOf(compare(face, face, ['IDPic', 'IDPic']))).toBe('InvalidParam.FacePicNotGiven');
    expect(await codeOf(compare('ftp://x/y.jpg', face))).toBe('InvalidParam.ImageValuePatternError');
    expect(await codeOf(compare('base64://***not base64***', face))).toBe('InvalidParam.ImageValuePatternError');
    expect(await codeOf(compare(b64(Buffer.from('hello, this is a text file\n')), face))).toBe('InvalidParam.ImageFormatUnsupported');
    const noFace = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#6a8caf' } }).jpeg().toBuffer();
    expect(await codeOf(compare(noFace, face))).toBe('Error.NoFaceDetected');
    const huge = await sharp({ create: { width: 5000, height: 400, channels: 3, background: '#888' } }).jpeg().toBuffer();
    expect(await codeOf(compare(huge, face))).toBe('InvalidParam.ImageDimensionsTooLarge');
    const noisy = await sharp({ create: { width: 1800, height: 1800, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 80 } } }).jpeg({ quality: 100 }).toBuffer();
    expect(noisy.length).toBeGreaterThan(2.5 * 1024 * 1024);
    expect(await codeOf(compare(noisy, face))).toBe('InvalidParam.ImageTooLarge');
  });

  it('CompareFaces: a POST of more than 3 MB (two large photos) works through pop-core', async () => {
    const big = async (buf: Buffer) => {
      for (const q of [97, 93, 88]) {
        const out = await sharp(buf).resize({ width: 3000, height: 3000, fit: 'inside' }).jpeg({ quality: q }).toBuffer();
        if (out.length < 1.95 * 1024 * 1024) return out;
      }
      throw new Error('could not make a <2 MB large photo');
    };
    const [a, b] = await Promise.all([big(obamaA()), big(obamaB())]);
    expect(b64(a).length + b64(b).length).toBeGreaterThan(3 * 1024 * 1024);
    const r = await compare(a, b);
    expect(r.Code).toBe('1');
    expect(r.Data.SimilarityScore).toBeGreaterThan(Number(JSON.parse(r.Data.ConfidenceThresholds)['0.001']));
  });

  it('DetectFaceAttributes: every face with its rectangle and the attributes we measure', async () => {
    const r = (await client.request('DetectFaceAttributes', { MaterialValue: b64(media('multiface/fr_obama_and_biden.jpg')), RetAttributes: 'facetype,headpose,blur,gender', MaxFaceNum: 5 }, { method: 'POST', timeout: 30_000 })) as any;
    const meta = await sharp(media('multiface/fr_obama_and_biden.jpg')).metadata();
    expect(r.Data.ImgWidth).toBe(meta.width);
    expect(r.Data.ImgHeight).toBe(meta.height);
    const faces = r.Data.FaceInfos.FaceAttributesDetectInfo as any[];
    expect(faces.length).toBeGreaterThanOrEqual(2);
    // The two men face the camera; the girl in the corner is turned away by more than 30°.
    const bySize = [...faces].sort((a, b) => b.FaceRect.Width - a.FaceRect.Width);
    expect(bySize.slice(0, 2).map((f) => f.FaceAttributes.Facetype)).toEqual(['Face', 'Face']);
    for (const f of faces) {
      expect(f.FaceRect.Width).toBeGreaterThan(20);
      expect(Math.abs(f.FaceAttributes.Headpose.YawAngle) > 30 ? 'Profile' : 'Face').toBe(f.FaceAttributes.Facetype);
      expect(typeof f.FaceAttributes.Headpose.YawAngle).toBe('number');
      expect(f.FaceAttributes.Blur).toBeGreaterThanOrEqual(0);
      expect(f.FaceAttributes.Gender).toBeUndefined();
    }
    const one = (await client.request('DetectFaceAttributes', { MaterialValue: b64(media('multiface/fr_obama_and_biden.jpg')), RetAttributes: 'headpose' }, { method: 'POST', timeout: 30_000 })) as any;
    expect(one.Data.FaceInfos.FaceAttributesDetectInfo).toHaveLength(1);
    expect(one.Data.FaceInfos.FaceAttributesDetectInfo[0].FaceAttributes.Blur).toBeUndefined();
  });

  it('SubmitMaterials (RPMin): pass is recorded, GetStatus/GetMaterials reflect it, a second submission is refused', async () => {
    const ticket = `rpmin-${Date.now()}`;
    const tok = (await client.request('GetVerifyToken', { Biz: 'rpmin', TicketId: ticket }, { method: 'POST' })) as any;
    const r = (await client.request(
      'SubmitMaterials',
      {
        VerifyToken: tok.Data.VerifyToken.Token,
        Material: [
          { MaterialType: 'Name', Value: '张三' },
          { MaterialType: 'IdentificationNumber', Value: GOOD_ID },
          { MaterialType: 'FacePic', Value: b64(obamaA()) },
          { MaterialType: 'IDPic', Value: b64(obamaB()) },
        ],
      },
      { method: 'POST', timeout: 30_000 },
    )) as any;
    expect(r.Data.VerifyStatus.StatusCode).toBe(1);
    expect(r.Data.VerifyStatus.SimilarityScore).toBeGreaterThan(80);
    const st = (await client.request('GetStatus', { Biz: 'rpmin', TicketId: ticket })) as any;
    expect(st.Data).toMatchObject({ StatusCode: 1, SimilarityScore: r.Data.VerifyStatus.SimilarityScore });
    const mat = (await client.request('GetMaterials', { Biz: 'rpmin', TicketId: ticket })) as any;
    expect(mat.Data.Name).toBe('张三');
    const img = await fetch(mat.Data.FacePic);
    expect(Buffer.from(await img.arrayBuffer()).equals(obamaA())).toBe(true);
    expect(await codeOf(client.request('SubmitMaterials', { VerifyToken: tok.Data.VerifyToken.Token, Material: [{ MaterialType: 'FacePic', Value: b64(obamaA()) }] }, { method: 'POST' }))).toBe('Error.DuplicatedTicketId');
    expect(await codeOf(client.request('GetVerifyToken', { Biz: 'rpmin', TicketId: ticket }))).toBe('Error.DuplicatedTicketId');
  });

  it('SubmitVerification: another person fails with NOT_SAME_PERSON; no reference or no FacePic is Error.MaterialsInsufficient', async () => {
    const ticket = `sv-${Date.now()}`;
    const r = (await client.request(
      'SubmitVerification',
      { Biz: 'rpmin', TicketId: ticket, Material: [{ MaterialType: 'FacePic', Value: b64(obamaA()) }, { MaterialType: 'IDPic', Value: b64(biden()) }] },
      { method: 'POST', timeout: 30_000 },
    )) as any;
    expect(r.Data.VerifyStatus).toMatchObject({ StatusCode: 2, AuditConclusions: 'NOT_SAME_PERSON' });
    expect((await client.request('GetStatus', { Biz: 'rpmin', TicketId: ticket }) as any).Data.StatusCode).toBe(2);

    expect(await codeOf(client.request('SubmitVerification', { Biz: 'rpmin', TicketId: `${ticket}-b`, Material: [{ MaterialType: 'FacePic', Value: b64(obamaA()) }] }, { method: 'POST', timeout: 30_000 }))).toBe('Error.MaterialsInsufficient');
    expect(await codeOf(client.request('SubmitVerification', { Biz: 'rpmin', TicketId: `${ticket}-c`, Material: [{ MaterialType: 'IDPic', Value: b64(biden()) }] }, { method: 'POST' }))).toBe('Error.MaterialsInsufficient');
  });
});
