import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudauthClient } from './helpers/rpc';
import { canonicalQuery, percentEncode, signV1, stringToSign } from '../lib/rpc/signature-v1';

describe('percent-encoding (RFC 3986 as the official clients do it)', () => {
  it('encodes reserved characters the Aliyun way', () => {
    expect(percentEncode('a b')).toBe('a%20b');
    expect(percentEncode('*')).toBe('%2A');
    expect(percentEncode('~')).toBe('~');
    expect(percentEncode('+/=')).toBe('%2B%2F%3D');
    expect(percentEncode("!'()")).toBe('%21%27%28%29');
    expect(percentEncode('张三')).toBe('%E5%BC%A0%E4%B8%89');
  });

  it('sorts keys and leaves Signature out of the canonical query', () => {
    expect(canonicalQuery({ b: '2', a: '1', Signature: 'x' })).toBe('a=1&b=2');
    expect(stringToSign('get', { A: 'x y' })).toBe('GET&%2F&A%3Dx%2520y');
  });
});

/** Captures what the official client really sends, then checks we compute the same signature. */
describe('signature matches @alicloud/pop-core byte for byte', () => {
  let server: http.Server;
  let captured: { method: string; params: Record<string, string> }[] = [];
  let endpoint = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const params: Record<string, string> = {};
        for (const [k, v] of new URL(req.url!, 'http://x').searchParams) params[k] = v;
        for (const [k, v] of new URLSearchParams(body)) params[k] = v;
        captured.push({ method: req.method!, params });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ RequestId: 'r', Code: '1', Data: {} }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const tricky = {
    Name: '张三·阿依古丽',
    Pic: 'base64://iVBORw0KGgo+/abc==',
    Tilde: 'a~b',
    Star: 'a*b',
    Space: 'hello world',
    Quote: "it's (ok)!",
  };

  for (const method of ['GET', 'POST'] as const) {
    it(`${method}: Chinese, base64 +/=, ~, *, spaces, quotes`, async () => {
      captured = [];
      const secret = 'sec+/=~*ret';
      const client = new CloudauthClient({ accessKeyId: 'AKID', accessKeySecret: secret, endpoint, apiVersion: '2018-09-16', codes: ['1'] });
      await client.request('GetStatus', tricky, { method });
      const { params } = captured[0]!;
      expect(params.Signature).toBeTruthy();
      expect(signV1(method, params, secret)).toBe(params.Signature);
      expect(signV1(method, { ...params, Name: '李四' }, secret)).not.toBe(params.Signature);
      expect(signV1(method === 'GET' ? 'POST' : 'GET', params, secret)).not.toBe(params.Signature);
    });
  }
});
