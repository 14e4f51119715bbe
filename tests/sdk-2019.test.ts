// The 2019-03-07 official SDK (@alicloud/cloudauth20190307) signs with ACS3-HMAC-SHA256 in an
// Authorization header and parses typed PascalCase responses. Needs ../shared/media for real faces.
import fs from 'node:fs';
import path from 'node:path';
import Cloudauth, * as $Cloudauth from '@alicloud/cloudauth20190307';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './helpers/server';
import { PROVISION, TEST_KEY } from './helpers/rpc';

const MEDIA = path.resolve(__dirname, '../../shared/media');
const hasMedia = fs.existsSync(path.join(MEDIA, 'pairs'));
if (!hasMedia) console.warn(`[skip] 2019 SDK tests: test media not found at ${MEDIA}`);
const b64 = (rel: string) => `base64://${fs.readFileSync(path.join(MEDIA, rel)).toString('base64')}`;

const Client = ((Cloudauth as unknown as { default?: typeof Cloudauth }).default ?? Cloudauth) as unknown as new (c: $OpenApiUtil.Config) => Cloudauth;

describe.skipIf(!hasMedia)('@alicloud/cloudauth20190307 (ACS3-HMAC-SHA256)', () => {
  let server: RunningServer;
  const client = (secret = TEST_KEY.secret) =>
    new Client(new $OpenApiUtil.Config({ accessKeyId: TEST_KEY.id, accessKeySecret: secret, endpoint: `127.0.0.1:${server.port}`, protocol: 'http', readTimeout: 30_000, connectTimeout: 30_000 }));

  beforeAll(async () => {
    server = await startServer({ provision: PROVISION });
  });
  afterAll(() => server?.stop());

  it('CompareFaces: typed response, SimilarityScore number and ConfidenceThresholds string', async () => {
    const r = await client().compareFaces(
      new $Cloudauth.CompareFacesRequest({
        sourceImageType: 'FacePic',
        sourceImageValue: b64('pairs/face_recognition/obama/obama.jpg'),
        targetImageType: 'FacePic',
        targetImageValue: b64('pairs/face_recognition/obama/obama2.jpg'),
      }),
    );
    expect(r.statusCode).toBe(200);
    expect(r.body?.code).toBe('1');
    expect(typeof r.body?.data?.confidenceThresholds).toBe('string');
    const t = JSON.parse(r.body!.data!.confidenceThresholds!) as Record<string, string>;
    expect(r.body?.data?.similarityScore).toBeGreaterThan(Number(t['0.001']));
  });

  it('DetectFaceAttributes: face rectangle and head pose', async () => {
    const r = await client().detectFaceAttributes(new $Cloudauth.DetectFaceAttributesRequest({ materialValue: b64('pairs/face_recognition/biden/biden.jpg') }));
    const faces = r.body?.data?.faceInfos?.faceAttributesDetectInfo ?? [];
    expect(faces).toHaveLength(1);
    expect(faces[0]!.faceRect!.width).toBeGreaterThan(30);
    expect(typeof faces[0]!.faceAttributes!.headpose!.yawAngle).toBe('number');
  });

  it('a wrong secret is refused with SignatureDoesNotMatch (HTTP 400)', async () => {
    const err = await client('wrong-secret-wrong-secret')
      .detectFaceAttributes(new $Cloudauth.DetectFaceAttributesRequest({ materialValue: b64('pairs/face_recognition/biden/biden.jpg') }))
      .then(() => null, (e: unknown) => e as { code?: string; statusCode?: number });
    expect(err?.statusCode).toBe(400);
    expect(err?.code).toBe('SignatureDoesNotMatch');
  });

  it('a body changed after signing is refused', async () => {
    // x-acs-content-sha256 below is the hash of an empty body; the body sent is not empty.
    const res = await fetch(`${server.url}/`, {
      method: 'POST',
      headers: {
        authorization: `ACS3-HMAC-SHA256 Credential=${TEST_KEY.id},SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=${'0'.repeat(64)}`,
        'x-acs-action': 'DetectFaceAttributes',
        'x-acs-version': '2019-03-07',
        'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        'x-acs-signature-nonce': `n-${Date.now()}`,
        'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'MaterialValue=base64%3A%2F%2Fxx',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { Code: string; Message: string };
    expect(body.Code).toBe('SignatureDoesNotMatch');
    expect(body.Message).toContain('x-acs-content-sha256');
  });
});
