// Signed GetStatus and GetVerifyToken over loopback with 50 concurrent keep-alive connections,
// on SQLite and on PostgreSQL, against the real built app (`next start`).
// Run: npx tsx bench/rpc-throughput.ts   (DURATION_S=10 CONNECTIONS=50 to change the load)
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../tests/helpers/server';
import { createTestDatabase, postgresAvailable } from '../tests/helpers/postgres';
import { PROVISION, signedParams } from '../tests/helpers/rpc';
import { ensureBuild } from '../scripts/ensure-build.mjs';
import { machineLine, percentile, writeResultsSection } from './lib/results';
import { timedRpcGet } from './lib/http-get';

const DURATION_S = Number(process.env.DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
/** Server processes (npm start's WEB_CONCURRENCY); one per core is the deployment we recommend. */
const WORKERS = Number(process.env.WEB_CONCURRENCY ?? 2);

interface Result { db: string; action: string; requests: number; errors: number; rps: number; p50: number; p99: number }

async function load(base: string, makePath: () => string, seconds: number): Promise<{ latencies: number[]; errors: number; elapsed: number }> {
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const one = async () => {
    const r = await timedRpcGet(agent, url, makePath());
    latencies.push(r.ms);
    if (!r.ok) errors++;
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => { while (performance.now() < deadline) await one(); }));
  agent.destroy();
  return { latencies, errors, elapsed: (performance.now() - started) / 1000 };
}

/** wrk (Debian package) when installed: a C load generator leaves the 2 cores to the server. */
const WRK = (() => {
  try {
    return execFileSync('which', ['wrk'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
})();

// One wrk thread (so every request takes the next pre-signed, single-use nonce), many connections.
const WRK_SCRIPT = `local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[((i - 1) % #paths) + 1])
end`;

function loadWithWrk(base: string, paths: string[], seconds: number): { rps: number; p50: number; p99: number; requests: number; errors: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrk-'));
  fs.writeFileSync(path.join(dir, 'paths.txt'), paths.join('\n'));
  fs.writeFileSync(path.join(dir, 'script.lua'), WRK_SCRIPT);
  const r = spawnSync(WRK!, ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-s', path.join(dir, 'script.lua'), base], { env: { ...process.env, WRK_PATHS: path.join(dir, 'paths.txt') }, encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  const out = r.stdout;
  const ms = (label: string) => {
    const m = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out);
    if (!m) return NaN;
    return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
  };
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + Number(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)?.slice(1).reduce((a, b) => a + Number(b), 0) ?? 0);
  if (requests > paths.length) throw new Error('wrk ran out of pre-signed requests; raise the count');
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0), p50: ms('50'), p99: ms('99'), requests, errors };
}

/** Signing happens before the clock starts so the load generator measures the server, not itself. */
function presigned(count: number, make: (i: number) => Record<string, string>): () => string {
  const paths = Array.from({ length: count }, (_, i) => `/?${new URLSearchParams(make(i))}`);
  let i = 0;
  return () => paths[i++ % paths.length]!;
}

async function run(dbName: string, env: Record<string, string>): Promise<Result[]> {
  // The per-AccessKey limit stays on (every request pays its upsert) but high enough never to
  // refuse, so the row measures capacity including the limiter; RPC_RATE_LIMIT=0 measures without it.
  const server = await startServer({ env: { ...env, LOG_LEVEL: 'warn', CLOUDAUTH_RPC_RATE_LIMIT: process.env.RPC_RATE_LIMIT ?? '1000000', CLOUDAUTH_RPC_RATE_BURST: '1000000' }, provision: PROVISION, workers: WORKERS });
  const results: Result[] = [];
  try {
    const expected = Math.ceil(DURATION_S * 5000);
    const ticket = 'bench-ticket';
    const tokenPaths = presigned(expected, (i) => signedParams('GetVerifyToken', { Biz: 'demo-h5', TicketId: `bench-${dbName}-${i}`, Binding: JSON.stringify({ Name: '张三', IdentificationNumber: '11010519491231002X' }) }));
    await load(server.url, presigned(2000, () => signedParams('GetStatus', { Biz: 'demo-h5', TicketId: ticket })), 2); // warm-up
    for (const [action, makePath] of [
      ['GetStatus', presigned(expected, () => signedParams('GetStatus', { Biz: 'demo-h5', TicketId: ticket }))],
      ['GetVerifyToken', tokenPaths],
    ] as const) {
      let res: Result;
      if (WRK) {
        res = { db: dbName, action, ...loadWithWrk(server.url, Array.from({ length: expected }, makePath), DURATION_S) };
      } else {
        const r = await load(server.url, makePath, DURATION_S);
        const sorted = r.latencies.sort((a, b) => a - b);
        res = { db: dbName, action, requests: sorted.length, errors: r.errors, rps: sorted.length / r.elapsed, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
      }
      console.log(`${dbName.padEnd(10)} ${action.padEnd(15)} ${res.rps.toFixed(0).padStart(6)} req/s  p50 ${res.p50.toFixed(1)} ms  p99 ${res.p99.toFixed(1)} ms  errors ${res.errors}/${res.requests}`);
      results.push(res);
    }
  } finally {
    await server.stop();
  }
  return results;
}

async function main() {
  ensureBuild();
  const all: Result[] = [...(await run('SQLite', {}))];
  if (await postgresAvailable()) {
    const db = await createTestDatabase();
    try {
      all.push(...(await run('PostgreSQL', { DATABASE_URL: db.url })));
    } finally {
      await db.drop();
    }
  } else console.warn('[skip] PostgreSQL not reachable: PostgreSQL numbers not measured');
  const rows = all.map((r) => `| ${r.db} | ${r.action} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} / ${r.requests} |`);
  writeResultsSection(
    'rpc-throughput',
    `## RPC throughput (bench/rpc-throughput.ts)\n\n${machineLine()}; ${CONNECTIONS} concurrent keep-alive connections over loopback, ${DURATION_S} s per row, signed GET requests (signed before the clock starts), \`npm start\` with WEB_CONCURRENCY=${WORKERS} server processes; load generator: ${WRK ? 'wrk (1 thread)' : 'Node http (no wrk installed)'}, on the same 2 cores.\nTargets: GetStatus ≥ 1,000 req/s with p99 ≤ 50 ms; GetVerifyToken ≥ 500 req/s.\n\n| database | action | req/s | p50 ms | p99 ms | errors |\n|---|---|---|---|---|---|\n${rows.join('\n')}`,
  );
}

main().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
