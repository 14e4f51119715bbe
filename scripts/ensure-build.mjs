#!/usr/bin/env node
// Builds the Next.js app only when its inputs changed since the last build (used by npm start and the tests).
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// A self-hosted biometric service must not call out: no Next.js telemetry at build (or start).
process.env.NEXT_TELEMETRY_DISABLED = '1';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');

const INPUTS = ['app', 'lib', 'workers', 'public', 'proxy.ts', 'instrumentation.ts', 'next.config.mjs', 'postcss.config.mjs', 'tsconfig.json', 'package-lock.json'];

/**
 * Files the model preparation writes (scripts/prepare-models.mjs, prepare-browser-models.mjs):
 * they are derived from package-lock.json (already an input) and served from public/ at run time,
 * not compiled, so they never call for a rebuild — and `npm start` prepares them before this check.
 */
const PREPARED = [path.join('public', 'models')];

/** A digest of everything that goes into the build (paths, sizes, mtimes). */
export function sourceDigest() {
  const h = crypto.createHash('sha256');
  const walk = (p) => {
    if (!fs.existsSync(p)) return;
    if (PREPARED.includes(path.relative(root, p))) return;
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e));
    else h.update(path.relative(root, p)).update(String(st.size)).update(String(st.mtimeMs));
  };
  for (const i of INPUTS) walk(path.join(root, i));
  return h.digest('hex');
}

export const distDir = path.join(root, process.env.NEXT_DIST_DIR || '.next');

export function ensureBuild({ force = false } = {}) {
  const stamp = path.join(distDir, 'source-digest');
  const digest = sourceDigest();
  const fresh = fs.existsSync(path.join(distDir, 'BUILD_ID')) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest;
  if (fresh && !force) return false;
  console.log('open-cloudauth: building the app (first start or sources changed)…');
  const r = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status ?? r.signal})`);
  fs.writeFileSync(stamp, digest);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    ensureBuild({ force: process.env.FORCE_BUILD === '1' });
  } catch (e) {
    console.error(`open-cloudauth: ${e.message}`);
    process.exit(1);
  }
}
