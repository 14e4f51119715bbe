// Seed 002 (Cloudauth 2018-09-16) conformance through the official @alicloud/pop-core client,
// against the real built server, on SQLite and on PostgreSQL: every error code of the seven
// actions' tables that can be reached without an ID-card OCR or an authority database, with its
// HTTP status, plus the response fields the seed marks required. Internal failures are real ones:
// a scene row made unreadable in the database, reference blobs removed from disk, a server
// started without its face models. Cases with real faces need ../shared/media (skipped otherwise).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import sharp from 'sharp';
import RPCClient from '@alicloud/pop-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './helpers/server';
import { postgresAvailable, variantDatabase } from './helpers/postgres';
import { CloudauthClient, GOOD_ID, OTHER_KEY, TEST_KEY, type Key } from './helpers/rpc';
import { RELEASE_NOTE_VERSIONS } from '../lib/actions/cloudauth-2018';

const pgUp = await postgresAvailable();
if (!pgUp) console.warn('[skip] PostgreSQL not reachable on 127.0.0.1:5432: the PostgreSQL variant of the 2018 conformance walk is skipped.');
const MEDIA = path.resolve(__dirname, '../../shared/media');
const hasMedia = fs.existsSync(path.join(MEDIA, 'pairs'));
if (!hasMedia) console.warn(`[skip] 2018 conformance cases with real faces: ${MEDIA} is missing`);
const media = (rel: string) => fs.readFileSync(path.join(MEDIA, rel));
const b64 = (buf: Buffer) => `base64://${buf.toString('base64')}`;

const DISABLED_KEY: Key = { id: 'LTAIdisabled0001', secret: 'disabled-secret-0123456789' };
const PROVISION = {
  accessKeys: [TEST_KEY, OTHER_KEY, { ...DISABLED_KEY, enabled: false }],
  scenes: [
    { biz: 'h5', scheme: 'RPH5BioOnly' },
    { biz: 'rpmin', scheme: 'RPMin', securityLevel: 1, maxAttempts: 2 },
    { biz: 'private', scheme: 'RPMin', accessKeys: [OTHER_KEY.id] },
    { biz: 'broken', scheme: 'RPMin' },
  ],
};

/** [HTTP status, Code] of a call pop-core rejected (it throws on every Code but '1'). */
async function failure(p: Promise<unknown>): Promise<[number, string]> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: string; entry?: { response?: { statusCode?: number } } };
    if (!err.code) throw e;
    return [err.entry?.response?.statusCode ?? 0, err.code];
  }
  throw new Error('expected the call to fail');
}

const POST = { method: 'POST', timeout: 30_000 };
const GET = { method: 'GET', timeout: 30_000 };

const variants = [
  { name: 'SQLite', enabled: true },
  { name: 'PostgreSQL', enabled: pgUp },
];

for (const variant of variants) {
  describe.skipIf(!variant.enabled)(`Cloudauth 2018-09-16 error tables on ${variant.name}`, () => {
    let server: RunningServer;
    let dropDb: (() => Promise<void>) | undefined;
    let sql: (query: string) => Promise<void>;
    let client: CloudauthClient;
    let jpeg: Buffer;
    const clientFor = (key: Key, apiVersion = '2018-09-16') => new CloudauthClient({ accessKeyId: key.id, accessKeySecret: key.secret, endpoint: server.url, apiVersion, codes: ['1'] });
    const token = async (biz: string, ticket: string, binding?: Record<string, string>) =>
      ((await client.request('GetVerifyToken', { Biz: biz, TicketId: ticket, ...(binding ? { Binding: JSON.stringify(binding) } : {}) }, POST)) as any).Data.VerifyToken.Token as string;
    const submit = (verifyToken: string, materials: Record<string, string>[], c: RPCClient = client) => c.request('SubmitMaterials', { VerifyToken: verifyToken, Material: materials }, POST) as Promise<any>;
    const status = async (biz: string, ticket: string) => ((await client.request('GetStatus', { Biz: biz, TicketId: ticket })) as any).Data;

    beforeAll(async () => {
      const db = await variantDatabase(variant.name);
      dropDb = db.drop;
      server = await startServer({ env: db.env, provision: PROVISION });
      if (db.url) {
        sql = async (q) => {
          const c = new pg.Client({ connectionString: db.url });
          await c.connect();
          await c.query(q);
          await c.end();
        };
      } else {
        sql = async (q) => {
          const db = new Database(path.join(server.dataDir, 'cloudauth.sqlite'));
          db.pragma('busy_timeout = 5000');
          db.exec(q);
          db.close();
        };
      }
      client = clientFor(TEST_KEY);
      jpeg = await sharp({ create: { width: 96, height: 96, channels: 3, background: '#a07050' } }).jpeg().toBuffer();
    });
    afterAll(async () => {
      await server?.stop();
      await dropDb?.();
    });

    it('common: RegionId required (cn-hangzhou), every release-note version, gateway codes kept', async () => {
      const plain = new RPCClient({ accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'] });
      expect(await failure(plain.request('GetStatus', { Biz: 'h5', TicketId: 't' }))).toEqual([400, 'InvalidParam.ParamMissing']);
      expect(await failure(plain.request('SubmitMaterials', { VerifyToken: 'x' }, POST))).toEqual([403, 'InvalidParam.ParamMissing']);
      expect(await failure(client.request('GetStatus', { RegionId: 'us-west-1', Biz: 'h5', TicketId: 't' }))).toEqual([400, 'InvalidRegionId']);
      for (const v of RELEASE_NOTE_VERSIONS) expect(((await clientFor(TEST_KEY, v).request('GetStatus', { Biz: 'h5', TicketId: 't' })) as any).Data.StatusCode).toBe(-1);
      // DetectFaceAttributes appeared in 2018-07-03.
      expect(await failure(clientFor(TEST_KEY, '2017-11-17').request('DetectFaceAttributes', { MaterialValue: b64(jpeg), RetAttributes: 'blur' }, POST))).toEqual([404, 'InvalidAction.NotFound']);
      expect(await failure(clientFor(TEST_KEY, '2016-01-01').request('GetStatus', { Biz: 'h5', TicketId: 't' }))).toEqual([400, 'InvalidVersion']);
      expect(await failure(clientFor({ id: TEST_KEY.id, secret: 'wrong-secret-0123456789' }).request('GetStatus', { Biz: 'h5', TicketId: 't' }))).toEqual([400, 'SignatureDoesNotMatch']);
      expect(await failure(clientFor({ id: 'LTAInobody0000', secret: 'x'.repeat(20) }).request('GetStatus', { Biz: 'h5', TicketId: 't' }))).toEqual([404, 'InvalidAccessKeyId.NotFound']);
    });

    it('GetStatus: ParamMissing 400, InvalidBiz 400, NoPermissionAccess 403; the three fields always present', async () => {
      expect(await failure(client.request('GetStatus', { Biz: 'h5' }))).toEqual([400, 'InvalidParam.ParamMissing']);
      expect(await failure(client.request('GetStatus', { Biz: 'h5', TicketId: '' }))).toEqual([400, 'InvalidParam.ParamMissing']);
      expect(await failure(client.request('GetStatus', { Biz: 'no-such-biz', TicketId: 't' }))).toEqual([400, 'InvalidParam.InvalidBiz']);
      expect(await failure(client.request('GetStatus', { Biz: 'private', TicketId: 't' }))).toEqual([403, 'Error.NoPermissionAccess']);
      expect(await failure(clientFor(DISABLED_KEY).request('GetStatus', { Biz: 'h5', TicketId: 't' }))).toEqual([403, 'Error.NoPermissionAccess']);
      expect(((await clientFor(OTHER_KEY).request('GetStatus', { Biz: 'private', TicketId: 't' })) as any).Data.StatusCode).toBe(-1);
      expect(await status('h5', 'never-issued')).toEqual({ StatusCode: -1, SimilarityScore: 0, AuditConclusions: '' });
    });

    it('GetVerifyToken: ParamMissing 400, InvalidBiz 400, NoPermissionAccess 403; VerifyConfigs must be a JSON object', async () => {
      expect(await failure(client.request('GetVerifyToken', { TicketId: 't' }))).toEqual([400, 'InvalidParam.ParamMissing']);
      expect(await failure(client.request('GetVerifyToken', { Biz: 'no-such-biz', TicketId: 't' }))).toEqual([400, 'InvalidParam.InvalidBiz']);
      expect(await failure(client.request('GetVerifyToken', { Biz: 'private', TicketId: 't' }))).toEqual([403, 'Error.NoPermissionAccess']);
      expect(await failure(clientFor(DISABLED_KEY).request('GetVerifyToken', { Biz: 'h5', TicketId: 't' }))).toEqual([403, 'Error.NoPermissionAccess']);
      expect(await failure(client.request('GetVerifyToken', { Biz: 'h5', TicketId: 't', VerifyConfigs: 'not json' }))).toEqual([400, 'InvalidParameter']);
      const r = (await client.request('GetVerifyToken', { Biz: 'h5', TicketId: `vc-${Date.now()}`, VerifyConfigs: JSON.stringify({ anything: 1 }) }, GET)) as any;
      expect(r.Data.VerifyToken).toEqual({ Token: expect.stringMatching(/^[0-9a-f]{64}$/), DurationSeconds: 1800 });
      expect(typeof r.Data.CloudauthPageUrl).toBe('string');
    });

    it('GetMaterials: ParamMissing 400, InvalidBiz 400, NoPermissionAccess 403, RecordNotFound 404; required fields present', async () => {
      expect(await failure(client.request('GetMaterials', { Biz: 'h5' }))).toEqual([400, 'InvalidParam.ParamMissing']);
      expect(await failure(client.request('GetMaterials', { Biz: 'no-such-biz', TicketId: 't' }))).toEqual([400, 'InvalidParam.InvalidBiz']);
      expect(await failure(client.request('GetMaterials', { Biz: 'private', TicketId: 't' }))).toEqual([403, 'Error.NoPermissionAccess']);
      expect(await failure(client.request('GetMaterials', { Biz: 'h5', TicketId: 'never-issued' }))).toEqual([404, 'InvalidParam.RecordNotFound']);
      const ticket = `gm-${Date.now()}`;
      await token('h5', ticket);
      expect(((await client.request('GetMaterials', { Biz: 'h5', TicketId: ticket })) as any).Data).toEqual({ Name: '', IdentificationNumber: '', IdCardType: 'identityCard', FacePic: '' });
    });

    it('SubmitMaterials: POST only; ParamMissing 403, MaterialsEmpty 400, MaterialsNotValid 403, VerifyTokenExpired 400, MaterialsUploadError 500, MaterialsInsufficient 403', async () => {
      const t = await token('rpmin', `sm-${Date.now()}`);
      expect(await failure(client.request('SubmitMaterials', { VerifyToken: t, Material: [{ MaterialType: 'FacePic', Value: b64(jpeg) }] }, GET))).toEqual([400, 'UnsupportedHTTPMethod']);
      expect(await failure(client.request('SubmitMaterials', { Material: [{ MaterialType: 'FacePic', Value: b64(jpeg) }] }, POST))).toEqual([403, 'InvalidParam.ParamMissing']);
      expect(await failure(submit(t, []))).toEqual([400, 'InvalidParam.MaterialsEmpty']);
      expect(await failure(submit(t, [{ MaterialType: 'FacePic' }]))).toEqual([403, 'InvalidParam.ParamMissing']);
      expect(await failure(submit(t, [{ MaterialType: 'Selfie', Value: b64(jpeg) }]))).toEqual([403, 'InvalidParam.MaterialsNotValid']);
      expect(await failure(submit(t, [{ MaterialType: 'IdentificationNumber', Value: '110105194912310021' }, { MaterialType: 'FacePic', Value: b64(jpeg) }]))).toEqual([403, 'InvalidParam.MaterialsNotValid']);
      expect(await failure(submit(t, [{ MaterialType: 'Mobile', Value: 'call me' }, { MaterialType: 'FacePic', Value: b64(jpeg) }]))).toEqual([403, 'InvalidParam.MaterialsNotValid']);
      const eleven = Array.from({ length: 11 }, (_, i) => ({ MaterialType: i === 10 ? 'FacePic' : 'Name', Value: '张三' }));
      expect(await failure(client.request('SubmitMaterials', { VerifyToken: t, ...Object.fromEntries(eleven.flatMap((m, i) => [[`Material.${i + 1}.MaterialType`, m.MaterialType], [`Material.${i + 1}.Value`, m.Value]])) }, POST))).toEqual([403, 'InvalidParam.MaterialsNotValid']);
      expect(await failure(submit('0'.repeat(64), [{ MaterialType: 'FacePic', Value: b64(jpeg) }]))).toEqual([400, 'InvalidParam.VerifyTokenExpired']);
      expect(await failure(submit(t, [{ MaterialType: 'FacePic', Value: 'ftp://example.com/a.jpg' }]))).toEqual([500, 'Error.MaterialsUploadError']);
      expect(await failure(submit(t, [{ MaterialType: 'FacePic', Value: b64(Buffer.from('not an image at all')) }]))).toEqual([500, 'Error.MaterialsUploadError']);
      expect(await failure(submit(t, [{ MaterialType: 'Name', Value: '张三' }]))).toEqual([403, 'Error.MaterialsInsufficient']);
      // No reference photo bound or submitted: nothing to compare with.
      expect(await failure(submit(t, [{ MaterialType: 'FacePic', Value: b64(jpeg) }]))).toEqual([403, 'Error.MaterialsInsufficient']);
      expect(await failure(submit(t, [{ MaterialType: 'FacePic', Value: b64(jpeg) }], clientFor(DISABLED_KEY)))).toEqual([403, 'Error.NoPermissionAccess']);
      // A newer token supersedes this one.
      const ticket = `sup-${Date.now()}`;
      const old = await token('rpmin', ticket);
      await token('rpmin', ticket);
      expect(await failure(submit(old, [{ MaterialType: 'FacePic', Value: b64(jpeg) }, { MaterialType: 'IDPic', Value: b64(jpeg) }]))).toEqual([400, 'InvalidParam.VerifyTokenExpired']);
    });

    it('SubmitMaterials on a liveness scene (RPH5BioOnly) is Error.NoPermissionAccess and decides nothing', async () => {
      const ticket = `h5-photo-${Date.now()}`;
      const t = await token('h5', ticket, { FacePic: b64(jpeg) });
      expect(await failure(submit(t, [{ MaterialType: 'FacePic', Value: b64(jpeg) }, { MaterialType: 'IDPic', Value: b64(jpeg) }]))).toEqual([403, 'Error.NoPermissionAccess']);
      expect(await failure(client.request('SubmitVerification', { Biz: 'h5', TicketId: `${ticket}-sv`, Material: [{ MaterialType: 'FacePic', Value: b64(jpeg) }, { MaterialType: 'IDPic', Value: b64(jpeg) }] }, POST))).toEqual([403, 'Error.NoPermissionAccess']);
      expect(await status('h5', ticket)).toEqual({ StatusCode: -1, SimilarityScore: 0, AuditConclusions: '' });
      // SubmitVerification left no task behind either.
      expect(await failure(client.request('GetMaterials', { Biz: 'h5', TicketId: `${ticket}-sv` }))).toEqual([404, 'InvalidParam.RecordNotFound']);
    });

    it('SubmitVerification: POST only; ParamMissing 403, InvalidBiz 400, NoPermissionAccess 403, MaterialsEmpty 400, MaterialsNotValid 403, MaterialsInsufficient 403, MaterialsUploadError 500', async () => {
      const sv = (p: Record<string, unknown>, opts = POST, c: RPCClient = client) => c.request('SubmitVerification', p, opts);
      const ticket = `sv-${Date.now()}`;
      const face = [{ MaterialType: 'FacePic', Value: b64(jpeg) }];
      expect(await failure(sv({ Biz: 'rpmin', TicketId: ticket, Material: face }, GET))).toEqual([400, 'UnsupportedHTTPMethod']);
      expect(await failure(sv({ Biz: 'rpmin', Material: face }))).toEqual([403, 'InvalidParam.ParamMissing']);
      expect(await failure(sv({ Biz: 'no-such-biz', TicketId: ticket, Material: face }))).toEqual([400, 'InvalidParam.InvalidBiz']);
      expect(await failure(sv({ Biz: 'private', TicketId: ticket, Material: face }))).toEqual([403, 'Error.NoPermissionAccess']);
      expect(await failure(sv({ Biz: 'rpmin', TicketId: ticket, Material: face }, POST, clientFor(DISABLED_KEY)))).toEqual([403, 'Error.NoPermissionAccess']);
      expect(await failure(sv({ Biz: 'rpmin', TicketId: ticket }))).toEqual([400, 'InvalidParam.MaterialsEmpty']);
      expect(await failure(sv({ Biz: 'rpmin', TicketId: ticket, Material: [{ MaterialType: 'Passport', Value: 'x' }] }))).toEqual([403, 'InvalidParam.MaterialsNotValid']);
      expect(await failure(sv({ Biz: 'rpmin', TicketId: ticket, Material: face }))).toEqual([403, 'Error.MaterialsInsufficient']);
      expect(await failure(sv({ Biz: 'rpmin', TicketId: ticket, Material: [{ MaterialType: 'FacePic', Value: 'oss://bucket:a.jpg' }] }))).toEqual([500, 'Error.MaterialsUploadError']);
    });

    it('CompareFaces: POST only; ImageTypeEmpty, ParamMissing 403, ImageTypeInvalid, FacePicNotGiven, ImageValuePatternError, NoFaceDetected, NoPermissionAccess', async () => {
      const cf = (types: [string, string], values: [string, string] | [string], opts = POST, c: RPCClient = client) =>
        c.request('CompareFaces', { SourceImageType: types[0], TargetImageType: types[1], SourceImageValue: values[0], ...(values[1] !== undefined ? { TargetImageValue: values[1] } : {}) }, opts);
      const img = b64(jpeg);
      expect(await failure(cf(['FacePic', 'FacePic'], [img, img], GET))).toEqual([400, 'UnsupportedHTTPMethod']);
      expect(await failure(cf(['', 'FacePic'], [img, img]))).toEqual([400, 'InvalidParam.ImageTypeEmpty']);
      expect(await failure(cf(['FacePic', 'FacePic'], [img]))).toEqual([403, 'InvalidParam.ParamMissing']);
      expect(await failure(cf(['Selfie', 'FacePic'], [img, img]))).toEqual([400, 'InvalidParam.ImageTypeInvalid']);
      expect(await failure(cf(['IDPic', 'IDPic'], [img, img]))).toEqual([400, 'InvalidParam.FacePicNotGiven']);
      expect(await failure(cf(['FacePic', 'FacePic'], ['file:///etc/passwd', img]))).toEqual([400, 'InvalidParam.ImageValuePatternError']);
      expect(await failure(cf(['FacePic', 'IDPic'], [img, img]))).toEqual([400, 'Error.NoFaceDetected']);
      expect(await failure(cf(['FacePic', 'IDPic'], [img, img], POST, clientFor(DISABLED_KEY)))).toEqual([403, 'Error.NoPermissionAccess']);
    });

    it('DetectFaceAttributes: POST only; ParamMissing 400 (MaterialValue, RetAttributes), unsupported attributes refused, NoPermissionAccess', async () => {
      const dfa = (p: Record<string, unknown>, opts = POST, c: RPCClient = client) => c.request('DetectFaceAttributes', p, opts);
      expect(await failure(dfa({ MaterialValue: b64(jpeg), RetAttributes: 'blur' }, GET))).toEqual([400, 'UnsupportedHTTPMethod']);
      expect(await failure(dfa({ RetAttributes: 'blur' }))).toEqual([400, 'InvalidParam.ParamMissing']);
      expect(await failure(dfa({ MaterialValue: b64(jpeg) }))).toEqual([400, 'InvalidParam.ParamMissing']);
      expect(await failure(dfa({ MaterialValue: b64(jpeg), RetAttributes: 'gender,age,smiling,glasses' }))).toEqual([400, 'InvalidParam.RetAttributesNotSupported']);
      expect(await failure(dfa({ MaterialValue: b64(jpeg), RetAttributes: 'blur,colour' }))).toEqual([400, 'InvalidParam.RetAttributesNotSupported']);
      expect(await failure(dfa({ MaterialValue: b64(jpeg), RetAttributes: 'blur' }, POST, clientFor(DISABLED_KEY)))).toEqual([403, 'Error.NoPermissionAccess']);
      // The seed sample's parameters are accepted; a photo without a face has an empty FaceInfos.
      const r = (await dfa({ MaterialValue: b64(jpeg), RetAttributes: 'gender,headpose,blur,glasses,age,facetype', MaxFaceNum: 1, DontSaveDB: true, ClientTag: '', MaxNumPhotosPerCategory: 1 })) as any;
      expect(r.Data).toEqual({ ImgWidth: 96, ImgHeight: 96, FaceInfos: { FaceAttributesDetectInfo: [] } });
    });

    it('internal failures answer each action’s own code (a scene row the database cannot read)', async () => {
      await sql(`update scenes set settings = '{"liveness":' where biz = 'broken'`);
      expect(await failure(client.request('GetStatus', { Biz: 'broken', TicketId: 't' }))).toEqual([500, 'Error.InternalError']);
      expect(await failure(client.request('GetVerifyToken', { Biz: 'broken', TicketId: 't' }))).toEqual([500, 'Error.InternalError']);
      expect(await failure(client.request('GetMaterials', { Biz: 'broken', TicketId: 't' }))).toEqual([500, 'Error.GetMaterialsError']);
      expect(await failure(client.request('SubmitVerification', { Biz: 'broken', TicketId: 't', Material: [{ MaterialType: 'FacePic', Value: b64(jpeg) }] }, POST))).toEqual([500, 'Error.SubmitMaterialsError']);
    });

    it('SubmitMaterials whose bound reference image is gone from storage: Error.SubmitMaterialsError 500', async () => {
      const blobs = path.join(server.dataDir, 'blobs');
      const list = () => (fs.existsSync(blobs) ? fs.readdirSync(blobs, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)) : []);
      const before = new Set(list());
      const t = await token('rpmin', `lost-${Date.now()}`, { IDPic: b64(jpeg) });
      const added = list().filter((f) => !before.has(f));
      expect(added).toHaveLength(1);
      fs.rmSync(added[0]!);
      expect(await failure(submit(t, [{ MaterialType: 'FacePic', Value: b64(jpeg) }]))).toEqual([500, 'Error.SubmitMaterialsError']);
    });

    describe.skipIf(!hasMedia)('with real faces', () => {
      const obama = () => media('pairs/face_recognition/obama/obama.jpg');
      const obama2 = () => media('pairs/face_recognition/obama/obama2.jpg');
      const biden = () => media('pairs/face_recognition/biden/biden.jpg');

      it('StatusCode 2 allows another submission; a pass ends the ticket (DuplicatedTicketId 403); maxAttempts spends the token', async () => {
        const ticket = `retry-${Date.now()}`;
        const t = await token('rpmin', ticket, { IDPic: b64(obama()) });
        const fail = await submit(t, [{ MaterialType: 'FacePic', Value: b64(biden()) }, { MaterialType: 'Mobile', Value: '+8613983822930' }]);
        expect(fail.Data.VerifyStatus).toEqual({ StatusCode: 2, SimilarityScore: expect.any(Number), AuditConclusions: 'NOT_SAME_PERSON' });
        expect((await status('rpmin', ticket)).StatusCode).toBe(2);
        const pass = await submit(t, [{ MaterialType: 'FacePic', Value: b64(obama2()) }]);
        expect(pass.Data.VerifyStatus).toEqual({ StatusCode: 1, SimilarityScore: expect.any(Number), AuditConclusions: 'PASS' });
        expect(await status('rpmin', ticket)).toEqual({ StatusCode: 1, SimilarityScore: pass.Data.VerifyStatus.SimilarityScore, AuditConclusions: 'PASS' });
        expect(await failure(submit(t, [{ MaterialType: 'FacePic', Value: b64(obama2()) }]))).toEqual([403, 'Error.DuplicatedTicketId']);
        expect(await failure(client.request('SubmitVerification', { Biz: 'rpmin', TicketId: ticket, Material: [{ MaterialType: 'FacePic', Value: b64(obama2()) }] }, POST))).toEqual([403, 'Error.DuplicatedTicketId']);
        // Mobile is kept with the record only: GetMaterials does not return it.
        const mat = ((await client.request('GetMaterials', { Biz: 'rpmin', TicketId: ticket })) as any).Data;
        expect(mat.Mobile).toBeUndefined();
        expect(JSON.stringify(mat)).not.toContain('13983822930');

        // maxAttempts 2: two failures spend the token.
        const t2 = await token('rpmin', `${ticket}-b`, { IDPic: b64(obama()) });
        for (let i = 0; i < 2; i++) expect((await submit(t2, [{ MaterialType: 'FacePic', Value: b64(biden()) }])).Data.VerifyStatus.StatusCode).toBe(2);
        expect(await failure(submit(t2, [{ MaterialType: 'FacePic', Value: b64(obama2()) }]))).toEqual([400, 'InvalidParam.VerifyTokenExpired']);
      });

      it('DetectFaceAttributes: Blur on the seed scale (≥ 2.0 blurred), Facetype Face / Profile', async () => {
        const detect = async (img: Buffer) => ((await client.request('DetectFaceAttributes', { MaterialValue: b64(img), RetAttributes: 'facetype,blur' }, POST)) as any).Data.FaceInfos.FaceAttributesDetectInfo[0].FaceAttributes;
        const sharpFace = await detect(obama());
        expect(sharpFace.Facetype).toBe('Face');
        expect(sharpFace.Blur).toBeLessThan(2);
        const blurred = await detect(await sharp(obama()).blur(6).jpeg().toBuffer());
        expect(blurred.Blur).toBeGreaterThanOrEqual(2);
        expect((await detect(media('videos/stills-pose-eyes/right_face.png'))).Facetype).toBe('Profile');
      });
    });
  });
}

describe('Cloudauth 2018-09-16 internal failures of the face engine (server without its models)', () => {
  let server: RunningServer;
  let client: CloudauthClient;
  let jpeg: Buffer;
  beforeAll(async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudauth-no-models-'));
    server = await startServer({ env: { MODELS_DIR: empty }, provision: PROVISION });
    client = new CloudauthClient({ accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, endpoint: server.url, apiVersion: '2018-09-16', codes: ['1'] });
    jpeg = await sharp({ create: { width: 96, height: 96, channels: 3, background: '#a07050' } }).jpeg().toBuffer();
  });
  afterAll(() => server?.stop());

  it('CompareFaces → Error.CompareFacesError, SubmitVerification → Error.SubmitMaterialsError, DetectFaceAttributes → Error.InternalError (500)', async () => {
    const img = b64(jpeg);
    expect(await failure(client.request('CompareFaces', { SourceImageType: 'FacePic', SourceImageValue: img, TargetImageType: 'IDPic', TargetImageValue: img }, POST))).toEqual([500, 'Error.CompareFacesError']);
    expect(await failure(client.request('SubmitVerification', { Biz: 'rpmin', TicketId: 'engine', Material: [{ MaterialType: 'FacePic', Value: img }, { MaterialType: 'IDPic', Value: img }, { MaterialType: 'IdentificationNumber', Value: GOOD_ID }] }, POST))).toEqual([500, 'Error.SubmitMaterialsError']);
    expect(await failure(client.request('DetectFaceAttributes', { MaterialValue: img, RetAttributes: 'blur' }, POST))).toEqual([500, 'Error.InternalError']);
  });
});
