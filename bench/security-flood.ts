// Findings 1 and 6 of the security review (issue 11): how /api/health and a signed GetStatus
// (from a second, well-behaved AccessKey) answer while
//   params-attack  4 parallel unauthenticated POSTs of ~944 000 empty parameters (≈5.7 MB each)
//   bigsig-attack  4 parallel POSTs naming a real AccessKeyId, wrong signature, one 7.5 MB value
//   faceid-bigsig  FaceID get_biz_token, a real X-Ca-Key, a wrong signature: 2 × an 8 MB urlencoded form, 2 × 19 MB multipart
//   key-flood      one AccessKey: 50 connections of GetStatus plus 4 of CompareFaces (1200×900 images)
// run against the server of any checkout (ROOT, default this one): run it once on a checkout of
// main ("before") and once here ("after"). The load runs in a worker thread with its own event
// loop; the probes (PROBE_HZ each) are timed on the main thread.
// Run: npx tsx bench/security-flood.ts                    (after; writes bench/RESULTS.md)
//      ROOT=/tmp/wt11-before LABEL=before npx tsx bench/security-flood.ts
//      (DURATION_S=10 per scenario, PROBE_HZ=20; results of both labels are kept in RESULTS.md)
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { OTHER_KEY, PROVISION, TEST_KEY, signedParams } from '../tests/helpers/rpc';
import { freePort } from '../tests/helpers/server';
import { machineLine, percentile, writeResultsSection } from './lib/results';

const ROOT = path.resolve(process.env.ROOT ?? path.join(__dirname, '..'));
const LABEL = process.env.LABEL ?? (ROOT === path.resolve(__dirname, '..') ? 'after' : 'before');
const DURATION_S = Number(process.env.DURATION_S ?? 10);
const PROBE_HZ = Number(process.env.PROBE_HZ ?? 20);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startServerAt(root: string): Promise<{ base: string; stop(): Promise<void> }> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudauth-flood-'));
  const provision = path.join(dataDir, 'provision.json');
  fs.writeFileSync(provision, JSON.stringify(PROVISION));
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'scripts', 'serve.mjs')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOSTNAME_BIND: '127.0.0.1', DATA_DIR: dataDir, CLOUDAUTH_PROVISION: provision, CLOUDAUTH_DEMO: '0', LOG_LEVEL: 'warn', PUBLIC_URL: `http://127.0.0.1:${port}` },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error('server exited');
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
    if (i > 300) throw new Error('server did not start');
    await sleep(100);
  }
  return {
    base,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

// The load generator: plain JS in a worker thread (own event loop), node:http with keep-alive.
const LOAD = String.raw`
const { workerData, parentPort } = require('node:worker_threads');
const http = require('node:http');
const crypto = require('node:crypto');
const { base, scenario, body, key, compareBody } = workerData;
const u = new URL(base);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const pe = (s) => encodeURIComponent(s).replace(/!/g, '%21').replace(/'/g, '%27').replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/\*/g, '%2A');
const sign = (p, secret) => { const q = Object.keys(p).sort().map((k) => pe(k) + '=' + pe(p[k])).join('&'); return crypto.createHmac('sha1', secret + '&').update('POST&%2F&' + pe(q)).digest('base64'); };
const common = (action) => ({ Format: 'JSON', SignatureMethod: 'HMAC-SHA1', SignatureNonce: crypto.randomBytes(16).toString('hex'), SignatureVersion: '1.0', Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), AccessKeyId: key.id, Version: '2018-09-16', Action: action, RegionId: 'cn-hangzhou' });
const signed = (action, extra) => { const p = { ...common(action), ...extra }; p.Signature = sign(p, key.secret); return new URLSearchParams(p).toString(); };
const codes = {};
let stop = false;
parentPort.on('message', () => { stop = true; });
const post = (payload, path = '/', extra = {}) => new Promise((resolve) => {
  const req = http.request({ host: u.hostname, port: u.port, path, method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(payload), ...extra } }, (res) => {
    let t = ''; res.on('data', (d) => { if (t.length < 4096) t += d; }); res.on('end', () => { const m = /"Code":"([^"]+)"|<Code>([^<]+)<\/Code>|"error":"([^"]+)"/.exec(t); const c = (m && (m[1] || m[2] || m[3])) || String(res.statusCode); codes[c] = (codes[c] || 0) + 1; resolve(); });
  });
  req.on('error', () => { codes.error = (codes.error || 0) + 1; resolve(); });
  req.end(payload);
});
const loop = async (make) => { while (!stop) { const m = make(); await (typeof m === 'string' ? post(m) : m); } };
const loops = [];
if (scenario === 'params-attack') for (let i = 0; i < 4; i++) loops.push(loop(() => body));
if (scenario === 'bigsig-attack') for (let i = 0; i < 4; i++) loops.push(loop(() => { const p = { ...common('GetStatus'), Biz: 'demo-h5', TicketId: 't', Filler: body }; p.Signature = 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='; return new URLSearchParams(p).toString(); }));
// FaceID: a real app key, a wrong signature, a 19 MB urlencoded body (the gateway's limit is 20 MB).
const gatewayHeaders = () => ({ 'x-ca-key': key.id, 'x-ca-nonce': crypto.randomUUID(), 'x-ca-timestamp': String(Date.now()), 'x-ca-signature-headers': 'x-ca-key,x-ca-nonce,x-ca-timestamp', 'x-ca-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
if (scenario === 'faceid-bigsig') {
  // The two largest bodies accepted before authentication: an urlencoded form just under its 8 MB cap
  // (decoded and signed before the signature can be checked), a 19 MB multipart body (hashed against Content-MD5).
  const form = 'liveness_type=meglive&image_ref1=' + body.slice(0, 8 * 1024 * 1024 - 64);
  const part = Buffer.from('--zz\r\ncontent-disposition: form-data; name="image_ref1"\r\n\r\n' + body + '\r\n--zz--\r\n');
  const md5 = crypto.createHash('md5').update(part).digest('base64');
  for (let i = 0; i < 2; i++) loops.push(loop(() => post(form, '/face/v1.2/sdk/get_biz_token', gatewayHeaders())));
  for (let i = 0; i < 2; i++) loops.push(loop(() => post(part, '/face/v1.2/sdk/get_biz_token', { ...gatewayHeaders(), 'content-type': 'multipart/form-data; boundary=zz', 'content-md5': md5 })));
}
if (scenario === 'key-flood') {
  for (let i = 0; i < 50; i++) loops.push(loop(() => signed('GetStatus', { Biz: 'demo-h5', TicketId: 'flood-' + (i % 5) })));
  for (let i = 0; i < 4; i++) loops.push(loop(() => signed('CompareFaces', compareBody)));
}
Promise.all(loops).then(() => parentPort.postMessage(codes));
`;

interface Row {
  scenario: string;
  health: number[];
  getStatus: number[];
  probeFailures: number;
  load: Record<string, number>;
}

function probeLoop(until: () => boolean, fn: () => Promise<boolean>, out: number[], fail: { n: number }): Promise<void> {
  return (async () => {
    while (!until()) {
      const t = performance.now();
      const ok = await fn().catch(() => false);
      const ms = performance.now() - t;
      out.push(ms);
      if (!ok) fail.n++;
      await sleep(Math.max(0, 1000 / PROBE_HZ - ms));
    }
  })();
}

const agent = new http.Agent({ keepAlive: true });
function get(base: string, p: string, check: (body: string, status: number) => boolean): Promise<boolean> {
  const u = new URL(p, base);
  return new Promise((resolve) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, agent }, (res) => {
      let b = '';
      res.on('data', (d: Buffer) => (b += d.toString()));
      res.on('end', () => resolve(check(b, res.statusCode ?? 0)));
    });
    req.setTimeout(30_000, () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function run(base: string, scenario: string, workerData: Record<string, unknown>): Promise<Row> {
  const worker = scenario === 'idle' ? null : new Worker(LOAD, { eval: true, workerData: { base, scenario, ...workerData } });
  const health: number[] = [];
  const getStatus: number[] = [];
  const fail = { n: 0 };
  const end = Date.now() + DURATION_S * 1000;
  const until = () => Date.now() > end;
  await sleep(scenario === 'idle' ? 0 : 500); // let the load start
  await Promise.all([
    probeLoop(until, () => get(base, '/api/health', (_b, s) => s === 200), health, fail),
    probeLoop(until, () => get(base, `/?${new URLSearchParams(signedParams('GetStatus', { Biz: 'demo-h5', TicketId: 'probe' }, { key: OTHER_KEY }))}`, (b) => b.includes('"Code":"1"')), getStatus, fail),
  ]);
  let load: Record<string, number> = {};
  if (worker) {
    const done = new Promise<Record<string, number>>((r) => worker.once('message', r));
    worker.postMessage('stop');
    load = await Promise.race([done, sleep(60_000).then(() => ({ unfinished: 1 }))]);
    await worker.terminate();
  }
  return { scenario, health: health.sort((a, b) => a - b), getStatus: getStatus.sort((a, b) => a - b), probeFailures: fail.n, load };
}

async function main() {
  const paramsBody = Array.from({ length: 944_000 }, (_, i) => `${i.toString(36)}=`).join('&');
  const filler = 'A'.repeat(7_500_000);
  const noise = await sharp({ create: { width: 1200, height: 900, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 50 } } }).jpeg().toBuffer();
  const img = `base64://${noise.toString('base64')}`;
  const compareBody = { SourceImageType: 'FacePic', SourceImageValue: img, TargetImageType: 'FacePic', TargetImageValue: img };
  const server = await startServerAt(ROOT);
  const rows: Row[] = [];
  try {
    for (const [scenario, body] of [['idle', ''], ['params-attack', paramsBody], ['bigsig-attack', filler], ['faceid-bigsig', 'A'.repeat(19_000_000)], ['key-flood', '']] as const) {
      const row = await run(server.base, scenario, { body, key: TEST_KEY, compareBody });
      rows.push(row);
      const f = (a: number[], p: number) => percentile(a, p).toFixed(1);
      console.log(`${LABEL} ${scenario}: health p50 ${f(row.health, 50)} p99 ${f(row.health, 99)} max ${f(row.health, 100)} ms; GetStatus(other key) p50 ${f(row.getStatus, 50)} p99 ${f(row.getStatus, 99)} ms; probe failures ${row.probeFailures}; load answers ${JSON.stringify(row.load)}`);
    }
  } finally {
    await server.stop();
  }
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const f = (a: number[], p: number) => percentile(a, p).toFixed(1);
  const table = rows
    .map((r) => `| ${r.scenario} | ${f(r.health, 50)} | ${f(r.health, 99)} | ${f(r.health, 100)} | ${f(r.getStatus, 50)} | ${f(r.getStatus, 99)} | ${r.probeFailures} | ${Object.entries(r.load).map(([k, v]) => `${k} ×${v}`).join(', ') || '—'} |`)
    .join('\n');
  writeResultsSection(
    `security-flood-${LABEL}`,
    `## Floods and oversized requests, ${LABEL} (\`bench/security-flood.ts\`, issue 11)

${machineLine()}; server: \`${LABEL === 'after' ? 'this branch' : path.basename(ROOT)}\` (\`scripts/serve.mjs\`, SQLite, defaults); ${DURATION_S} s per scenario, probes at ${PROBE_HZ} Hz each; load average at the end: ${load}.
\`params-attack\`: 4 parallel unauthenticated POSTs of 944 000 empty parameters; \`bigsig-attack\`: 4 parallel POSTs with a real AccessKeyId, a wrong signature and a 7.5 MB value; \`faceid-bigsig\`: FaceID \`get_biz_token\` with a real X-Ca-Key and a wrong X-Ca-Signature, 2 parallel 8 MB urlencoded forms + 2 parallel 19 MB multipart bodies with a matching Content-MD5; \`key-flood\`: one key, 50 connections of GetStatus + 4 of CompareFaces. GetStatus probes use a second key.

| scenario | /api/health p50 ms | p99 | max | GetStatus p50 ms | p99 | probe failures | answers to the load |
|---|---|---|---|---|---|---|---|
${table}`,
  );
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
