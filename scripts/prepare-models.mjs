#!/usr/bin/env node
// Fetches the pinned ONNX face models and lays them out for the server (models/) and the
// browser (public/models/). Runs as `postinstall` and before start, so it must be idempotent,
// fast when everything is in place, and need no network once the files exist.
//
// Source: the npm tarball faceplugin-face-recognition-js@0.0.1 (we only want its model/ folder;
// installing it would pull junk dependencies, so we `npm pack` it and untar it ourselves).
// The tarball is pinned by its registry sha512; models/manifest.json pins each extracted file
// by size + sha256 so a truncated or edited file is detected on every run.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_SPEC = 'faceplugin-face-recognition-js@0.0.1';
const TARBALL_NAME = 'faceplugin-face-recognition-js-0.0.1.tgz';
// `npm view faceplugin-face-recognition-js@0.0.1 dist.integrity`
const TARBALL_INTEGRITY =
  'sha512-shriXjd4zJHEwhK1jHK+bWo8Vv6Vu9B/w6RRsd4AFtNM/jaI2vhuOamOSMl9qQmLd8WlQ7dgqN+3C2iOi5pXWw==';
const MODEL_FILES = [
  'fr_age.onnx',
  'fr_detect.onnx',
  'fr_expression.onnx',
  'fr_eye.onnx',
  'fr_feature.onnx',
  'fr_gender.onnx',
  'fr_landmark.onnx',
  'fr_liveness.onnx',
  'fr_pose.onnx',
];
// Models the browser worker runs with onnxruntime-web.
const BROWSER_MODELS = ['fr_landmark.onnx', 'fr_eye.onnx', 'fr_liveness.onnx'];

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const modelsDir = path.resolve(process.env.MODELS_DIR || path.join(repoRoot, 'models'));
const publicModelsDir = path.join(repoRoot, 'public', 'models');
const cacheDir = path.join(repoRoot, '.cache', 'models');
const manifestPath = path.join(modelsDir, 'manifest.json');

class PrepareError extends Error {}

function sha256File(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function readManifest() {
  try {
    const m = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    if (m && m.source === PACKAGE_SPEC && m.files && typeof m.files === 'object') return m;
  } catch {
    /* missing or unreadable: treated as "not prepared" */
  }
  return null;
}

/** Returns the first problem found in `dir` for `names`, or null when all match the manifest. */
function findProblem(manifest, dir, names) {
  for (const name of names) {
    const want = manifest.files[name];
    if (!want) return `${name}: not listed in ${manifestPath}`;
    const file = path.join(dir, name);
    let st;
    try {
      st = fs.statSync(file);
    } catch {
      return `${file}: missing`;
    }
    // Size first: it is free and catches truncation without hashing.
    if (st.size !== want.size) return `${file}: size ${st.size}, expected ${want.size}`;
    if (sha256File(file) !== want.sha256) return `${file}: sha256 mismatch (corrupt or modified)`;
  }
  return null;
}

function verifyTarball(file) {
  const [algo, expected] = TARBALL_INTEGRITY.split('-');
  const actual = createHash(algo).update(fs.readFileSync(file)).digest('base64');
  return actual === expected;
}

function obtainTarball() {
  fs.mkdirSync(cacheDir, { recursive: true });
  const tarball = path.join(cacheDir, TARBALL_NAME);
  if (fs.existsSync(tarball) && verifyTarball(tarball)) return tarball;
  fs.rmSync(tarball, { force: true });
  console.log(`[prepare-models] npm pack ${PACKAGE_SPEC} (≈41 MB) ...`);
  try {
    execFileSync('npm', ['pack', PACKAGE_SPEC, '--pack-destination', cacheDir, '--silent'], {
      cwd: cacheDir,
      stdio: ['ignore', 'ignore', 'inherit'],
      // Don't let a surrounding `npm install --ignore-scripts` style env change pack behaviour.
      env: { ...process.env, npm_config_dry_run: 'false' },
    });
  } catch (err) {
    throw new PrepareError(`npm pack ${PACKAGE_SPEC} failed (needs the npm registry once): ${err.message}`);
  }
  if (!fs.existsSync(tarball)) throw new PrepareError(`npm pack did not produce ${tarball}`);
  if (!verifyTarball(tarball)) {
    fs.rmSync(tarball, { force: true });
    throw new PrepareError(`${TARBALL_NAME}: sha512 does not match the pinned integrity ${TARBALL_INTEGRITY}`);
  }
  return tarball;
}

function extractModels(tarball) {
  const staging = fs.mkdtempSync(path.join(cacheDir, 'extract-'));
  try {
    const members = MODEL_FILES.map((f) => `package/model/${f}`);
    execFileSync('tar', ['-xzf', tarball, '-C', staging, ...members], { stdio: ['ignore', 'ignore', 'inherit'] });
    fs.mkdirSync(modelsDir, { recursive: true });
    const files = {};
    for (const name of MODEL_FILES) {
      const src = path.join(staging, 'package', 'model', name);
      if (!fs.existsSync(src)) throw new PrepareError(`${name}: not found in ${TARBALL_NAME}`);
      // Write via rename so a crash never leaves a half-written model behind.
      const tmp = path.join(modelsDir, `.${name}.tmp`);
      fs.copyFileSync(src, tmp);
      fs.renameSync(tmp, path.join(modelsDir, name));
      files[name] = { size: fs.statSync(src).size, sha256: sha256File(src) };
    }
    const manifest = { source: PACKAGE_SPEC, integrity: TARBALL_INTEGRITY, files };
    fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    return manifest;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function copyBrowserModels(manifest) {
  fs.mkdirSync(publicModelsDir, { recursive: true });
  for (const name of BROWSER_MODELS) {
    const tmp = path.join(publicModelsDir, `.${name}.tmp`);
    fs.copyFileSync(path.join(modelsDir, name), tmp);
    fs.renameSync(tmp, path.join(publicModelsDir, name));
  }
  const problem = findProblem(manifest, publicModelsDir, BROWSER_MODELS);
  if (problem) throw new PrepareError(problem);
}

function main() {
  const started = Date.now();
  let manifest = readManifest();
  let problem = manifest ? findProblem(manifest, modelsDir, MODEL_FILES) : 'models/manifest.json missing';
  if (problem) {
    if (manifest) console.log(`[prepare-models] ${problem}; re-extracting`);
    try {
      manifest = extractModels(obtainTarball());
    } catch (err) {
      // Name the file that triggered the repair, not only the repair's own failure.
      if (err instanceof PrepareError) throw new PrepareError(`${problem}; could not repair: ${err.message}`);
      throw err;
    }
    problem = findProblem(manifest, modelsDir, MODEL_FILES);
    if (problem) throw new PrepareError(problem);
  }
  const publicProblem = findProblem(manifest, publicModelsDir, BROWSER_MODELS);
  if (publicProblem) {
    console.log(`[prepare-models] ${publicProblem}; copying browser models`);
    copyBrowserModels(manifest);
  }
  console.log(`[prepare-models] ${MODEL_FILES.length} models ok in ${modelsDir} (${Date.now() - started} ms)`);
}

try {
  main();
} catch (err) {
  console.error(`[prepare-models] ERROR: ${err instanceof PrepareError ? err.message : err.stack || err}`);
  process.exit(1);
}
