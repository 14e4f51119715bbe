#!/usr/bin/env node
// `npm start`: prepare models, build when the sources changed since the last build, then serve.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`open-cloudauth: ${what} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

for (const script of ['prepare-models.mjs', 'prepare-browser-models.mjs']) {
  if (fs.existsSync(path.join(root, 'scripts', script))) run(process.execPath, [path.join(root, 'scripts', script)], script);
}

/** A digest of everything that goes into the build, so `npm start` rebuilds only when needed. */
function sourceDigest() {
  const h = crypto.createHash('sha256');
  const inputs = ['app', 'lib', 'workers', 'public', 'proxy.ts', 'instrumentation.ts', 'next.config.mjs', 'postcss.config.mjs', 'tsconfig.json', 'package-lock.json'];
  const walk = (p) => {
    if (!fs.existsSync(p)) return;
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e));
    else h.update(path.relative(root, p)).update(String(st.size)).update(String(st.mtimeMs));
  };
  for (const i of inputs) walk(path.join(root, i));
  return h.digest('hex');
}

const stamp = path.join(root, '.next', 'source-digest');
const digest = sourceDigest();
const built = fs.existsSync(path.join(root, '.next', 'BUILD_ID')) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest;
if (!built || process.env.FORCE_BUILD === '1') {
  console.log('open-cloudauth: building (first start or sources changed)…');
  run(process.execPath, [nextBin, 'build'], 'next build');
  fs.writeFileSync(stamp, digest);
}

// A GET carrying a base64 Binding of ~200 KB needs a larger header limit than Node's 16 KB.
const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} --max-http-header-size=262144`.trim();
const port = process.env.PORT ?? '3000';
const child = spawn(process.execPath, [nextBin, 'start', '-p', port, ...(process.env.HOSTNAME_BIND ? ['-H', process.env.HOSTNAME_BIND] : [])], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS: nodeOptions },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
