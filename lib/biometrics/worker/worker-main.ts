// Body of one analysis worker thread: its own five ONNX sessions, created once, and a loop that
// analyses one job at a time (the pool never sends a second before the first is answered).
// Entry point: analysis-worker.mjs (plain JS, so Node can start it from the repo in any setting).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { decodeImageRaw, toRgb } from '../decode';
import type { RgbImage } from '../image';
import { analyzePixels, loadSessions, Timer, type Sessions } from '../pipeline';
import { serializeError, type FromWorker, type JobInput, type ToWorker, type WorkerInit } from './protocol';

const port = parentPort;
if (!port) throw new Error('worker-main.ts must run in a worker thread (see lib/biometrics/pool.ts)');
const init = workerData as WorkerInit;

// libvips' operation cache is process-wide and only pays off for repeated identical operations;
// every upload is new, so it would only hold memory (sharp is used by lib/biometrics alone).
sharp.cache(false);

// Optional (BIOMETRICS_WORKER_NICE): analysis threads yield to the main thread (HTTP, database)
// when every core is busy. Linux applies setpriority() to a single thread given its thread id.
if (init.nice > 0 && process.platform === 'linux') {
  try {
    os.setPriority(Number(path.basename(fs.readlinkSync('/proc/thread-self'))), init.nice);
  } catch {
    /* not permitted or no /proc: run at normal priority */
  }
}

const send = (msg: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

async function toPixels(input: JobInput, t: Timer): Promise<RgbImage> {
  if (input.kind === 'rgb') return input.image;
  const raw = await decodeImageRaw(input.bytes);
  const rgb = toRgb(raw);
  t.lap('decode');
  return rgb;
}

async function handle(sessions: Sessions, msg: Extract<ToWorker, { type: 'analyze' }>): Promise<void> {
  const started = performance.now();
  try {
    const t = new Timer();
    const img = await toPixels(msg.input, t);
    const result = await analyzePixels(sessions, img, msg.opts, t);
    const transfer = result.faces.flatMap((f) => (f.embedding ? [f.embedding.buffer as ArrayBuffer] : []));
    send({ type: 'result', id: msg.id, result, busyMs: performance.now() - started }, transfer);
  } catch (e) {
    send({ type: 'error', id: msg.id, error: serializeError(e) });
  }
}

const ready = loadSessions(init.modelsDir);
ready.then(
  () => send({ type: 'ready', startupMs: Date.now() - init.spawnedAt }),
  (e: unknown) => send({ type: 'init-error', error: serializeError(e) }),
);

// Jobs arrive one at a time; chaining keeps them in order even if one arrives during start-up.
let chain: Promise<unknown> = Promise.resolve();
port.on('message', (msg: ToWorker) => {
  if (msg.type === 'crash') process.exit(70);
  chain = chain.then(async () => handle(await ready, msg)).catch(() => undefined);
});
