// Unit-level checks behind the issue-11 fixes: the bounded form parser agrees with
// URLSearchParams, the yielding v1 signature equals the one-shot one, the AccessKey cache is
// bounded by bytes (real SQLite), and the analysis pool's interactive lane is never starved by
// batch work (real worker threads and models).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parseUrlEncoded, mergeUnique, ParamLimitError } from '../lib/http/form-params';
import { signV1, signV1Yielding } from '../lib/rpc/signature-v1';
import { openDatabase } from '../lib/store/database';
import { ACCESS_KEY_CACHE_BYTES, AccessKeyResolver, upsertAccessKey } from '../lib/store/access-keys';
import { WorkerPool, workerEntry } from '../lib/biometrics/pool';
import { modelsDir } from '../lib/biometrics/models';
import { BiometricError } from '../lib/biometrics/errors';

const LIMITS = { maxParams: 128, maxKeyLength: 128, maxValueLength: 8 * 1024 * 1024 };

describe('bounded urlencoded parser', () => {
  it('decodes like URLSearchParams, including large values, malformed escapes and UTF-8', async () => {
    const big = crypto.randomBytes(700_000).toString('base64');
    const samples = [
      'a=1&b=2&c',
      'x=%E5%BC%A0%E4%B8%89+plus&y=%ZZ%4&z=%&&&w=',
      `Binding=${encodeURIComponent(JSON.stringify({ Name: '张三', FacePic: `base64://${big}` }))}&Action=GetStatus`,
      'k=%F0%9F%98%80%F0%9F&broken=%C3',
    ];
    for (const s of samples) expect(await parseUrlEncoded(Buffer.from(s), LIMITS)).toEqual([...new URLSearchParams(s)]);
  });

  it('refuses too many pairs, long names and repeated keys', async () => {
    await expect(parseUrlEncoded('a=&'.repeat(200), LIMITS)).rejects.toBeInstanceOf(ParamLimitError);
    // Exactly maxParams pairs pass; one more is refused (the count once stopped at half the limit).
    const pairs = (n: number) => Array.from({ length: n }, (_, i) => `k${i}=v`).join('&');
    expect(await parseUrlEncoded(pairs(LIMITS.maxParams), LIMITS)).toHaveLength(LIMITS.maxParams);
    await expect(parseUrlEncoded(pairs(LIMITS.maxParams + 1), LIMITS)).rejects.toMatchObject({ kind: 'TOO_MANY' });
    await expect(parseUrlEncoded(`${'k'.repeat(129)}=1`, LIMITS)).rejects.toMatchObject({ kind: 'KEY_TOO_LONG' });
    expect(() => mergeUnique({ a: '1' }, [['a', '2']])).toThrow(ParamLimitError);
    const proto = mergeUnique({}, [['__proto__', 'x']]);
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(proto['__proto__' as never]).toBe('x');
  });
});

describe('signature 1.0, yielding', () => {
  it('equals the one-shot signature for small and multi-megabyte parameters', async () => {
    const params = { Action: 'GetVerifyToken', Binding: `{"Name":"张三 😀","FacePic":"base64://${crypto.randomBytes(2_000_000).toString('base64')}"}`, 'Material.1.Value': "!'()*~ ", Timestamp: '2026-01-01T00:00:00Z' };
    for (const method of ['GET', 'POST']) expect(await signV1Yielding(method, params, 'secret-x')).toBe(signV1(method, params, 'secret-x'));
  });
});

describe('AccessKey resolver cache', () => {
  it('never looks up or caches a malformed id, and stays within its byte budget', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudauth-ak-'));
    const { db } = await openDatabase({ dataDir: dir });
    const key = crypto.randomBytes(32);
    await upsertAccessKey(db, key, { id: 'LTAIrealkey001', secret: 'a-secret-of-sixteen+' });
    const r = new AccessKeyResolver(db, key);
    expect(await r.lookup('x'.repeat(4 * 1024 * 1024))).toBeNull();
    expect(r.cachedBytes).toBe(0);
    for (let i = 0; i < 20_000; i++) await r.lookup(`LTAIfake${i.toString().padStart(8, '0')}`);
    expect(r.cachedBytes).toBeLessThanOrEqual(ACCESS_KEY_CACHE_BYTES);
    expect((await r.lookup('LTAIrealkey001'))?.secret).toBe('a-secret-of-sixteen+');
    await db.destroy();
  });
});

describe('analysis pool lanes', () => {
  it('a full batch queue refuses batch work but an interactive job is accepted and runs first', async () => {
    const pool = new WorkerPool({ entry: workerEntry(), init: { modelsDir: modelsDir(), nice: 0 }, size: 1, queueLimit: 2, interactiveQueueLimit: 4, jobTimeoutMs: 30_000 });
    await pool.start();
    try {
      const img = await sharp({ create: { width: 1200, height: 900, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 50 } } }).jpeg().toBuffer();
      const order: string[] = [];
      const job = (lane: 'interactive' | 'batch', name: string) => {
        const bytes = new Uint8Array(img);
        return pool.run({ type: 'analyze', input: { kind: 'encoded', bytes }, opts: { embed: true, liveness: false } }, [bytes.buffer], lane).then(
          () => (order.push(name), 'ok'),
          (e: unknown) => (e instanceof BiometricError ? e.code : 'error'),
        );
      };
      const batch = Array.from({ length: 6 }, (_, i) => job('batch', `b${i}`));
      const interactive = job('interactive', 'i0');
      const results = await Promise.all([...batch, interactive]);
      expect(results.slice(0, 6).filter((r) => r === 'BUSY').length).toBe(3); // 1 running + 2 queued
      expect(results[6]).toBe('ok');
      expect(order.indexOf('i0')).toBe(1); // right after the batch job that was already running
    } finally {
      await pool.close();
    }
  });
});

describe('README security section', () => {
  it('lists every runtime dependency with its exact pinned version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const readme = fs.readFileSync(path.resolve(__dirname, '..', 'README.md'), 'utf8');
    const security = readme.slice(readme.indexOf('## Security'), readme.indexOf('## Code layout'));
    for (const [name, version] of Object.entries(pkg.dependencies)) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
      expect(security, name).toMatch(new RegExp(`\`${name.replace(/[/.]/g, '\\$&')}\`[^|]*\\| ${version.replace(/\./g, '\\.')} `));
    }
  });
});
