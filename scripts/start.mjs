#!/usr/bin/env node
// `npm start`: prepare models, build when the sources changed since the last build, then serve
// with WEB_CONCURRENCY server processes (scripts/serve.mjs) sharing one port (node:cluster).
import cluster from 'node:cluster';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureBuild, root } from './ensure-build.mjs';

// No Next.js telemetry (also set by ensure-build.mjs); inherited by the server processes.
process.env.NEXT_TELEMETRY_DISABLED = '1';

for (const script of ['prepare-models.mjs', 'prepare-browser-models.mjs']) {
  const file = path.join(root, 'scripts', script);
  if (!fs.existsSync(file)) continue;
  const r = spawnSync(process.execPath, [file], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`open-cloudauth: ${script} failed; the service cannot start without its models.`);
    process.exit(r.status ?? 1);
  }
}

try {
  ensureBuild({ force: process.env.FORCE_BUILD === '1' });
} catch (e) {
  console.error(`open-cloudauth: ${e.message}`);
  process.exit(1);
}

const port = process.env.PORT ?? '3000';
const workers = Math.max(1, Number.parseInt(process.env.WEB_CONCURRENCY ?? '1', 10) || 1);
// Each worker runs scripts/serve.mjs; their listen() calls are shared through this primary.
cluster.setupPrimary({ exec: path.join(root, 'scripts', 'serve.mjs'), cwd: root });
const env = { PORT: port };
let stopping = false;

const fork = () => cluster.fork(env);
// The first worker opens the database, migrates and provisions alone; the others start after it
// listens, so a fresh database never gets two demo keys.
fork().once('listening', async () => {
  if (workers === 1) return;
  for (let tries = 0; tries < 300; tries++) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  for (let i = 1; i < workers; i++) fork();
});
cluster.on('exit', (worker, code, signal) => {
  if (stopping) {
    const alive = Object.values(cluster.workers ?? {}).filter((w) => w && w !== worker && !w.isDead());
    if (alive.length === 0) process.exit(0);
    return;
  }
  console.error(`open-cloudauth: a server process exited (${signal ?? code}); restarting it.`);
  setTimeout(fork, 1000);
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(sig);
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}
