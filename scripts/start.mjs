#!/usr/bin/env node
// `npm start`: prepare models, build when the sources changed since the last build, then serve.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureBuild, nextBin, root } from './ensure-build.mjs';

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

// A GET carrying a base64 Binding of ~200 KB needs a larger header limit than Node's 16 KB.
const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} --max-http-header-size=262144`.trim();
const port = process.env.PORT ?? '3000';
// Keep idle connections longer than the clients' pools do, so a pooled socket is never closed
// by us just as a client reuses it ("socket hang up").
const child = spawn(process.execPath, [nextBin, 'start', '-p', port, '--keepAliveTimeout', '65000'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: nodeOptions } });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
