// The biometrics worker pool (lib/biometrics/pool.ts): analyses run in worker threads, so the
// main event loop stays responsive; results match the in-process pipeline; the queue is bounded
// (BUSY) and a crashed or stuck worker fails its job and is replaced. Needs ../shared/media and
// the models; skips with a notice when the media folder is absent.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance as nodePerformance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BiometricError, getBiometricEngine, type BiometricEngine } from '../lib/biometrics';
import { PooledBiometricEngine } from '../lib/biometrics/engine';
import { createInProcessEngine } from '../lib/biometrics/in-process';
import { modelsDir } from '../lib/biometrics/models';
import { WorkerPool, workerEntry, type PoolOptions } from '../lib/biometrics/pool';

const MEDIA = path.resolve(__dirname, '../../shared/media');
const hasMedia = fs.existsSync(path.join(MEDIA, 'pairs'));
if (!hasMedia) console.warn(`[biometrics-pool.test] skipped: test media not found at ${MEDIA}`);

const IMAGES = [
  'face_recognition/obama/obama.jpg',
  'face_recognition/biden/biden.jpg',
  'openface/lennon-1.jpg',
  'openface/clapton-1.jpg',
];
const pair = (rel: string) => fs.readFileSync(path.join(MEDIA, 'pairs', rel));

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BiometricError);
  return (err as BiometricError).code;
}

type Gap = [start: number, end: number];
const now = () => performance.timeOrigin + performance.now(); // comparable across processes

/**
 * The machine is shared (browsers, builds): any process's timer can be late because the OS did
 * not schedule it. An idle control process runs the same 5 ms timer meanwhile; the main thread's
 * late time that the control shared is the machine's, the rest is ours.
 */
async function startControlTimer(): Promise<() => Promise<Gap[]>> {
  const code = `const now=()=>performance.timeOrigin+performance.now();let l=now();const g=[];
    const t=setInterval(()=>{const n=now();if(n-l>10)g.push([l,n]);l=n},5);
    process.on('message',()=>{clearInterval(t);process.send(g,()=>process.exit(0))});process.send('ready');`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise((r) => child.once('message', r));
  return () =>
    new Promise<Gap[]>((resolve) => {
      child.once('message', (g) => resolve(g as Gap[]));
      child.send('stop');
    });
}

function notSharedWithControl([s, e]: Gap, control: readonly Gap[]): number {
  let covered = 0;
  for (const [cs, ce] of control) covered += Math.max(0, Math.min(e, ce) - Math.max(s, cs));
  return Math.max(0, e - s - covered);
}

/** A private pool, so its settings do not disturb the process-wide engine. */
async function smallPool(o: Partial<PoolOptions>) {
  const pool = new WorkerPool({ entry: workerEntry(), init: { modelsDir: modelsDir(), nice: 0 }, size: 1, queueLimit: 64, jobTimeoutMs: 30_000, ...o });
  await pool.start();
  return { pool, engine: new PooledBiometricEngine(pool) };
}

describe.skipIf(!hasMedia)('biometrics worker pool (real media)', () => {
  let engine: BiometricEngine;
  const pools: WorkerPool[] = [];
  beforeAll(async () => {
    engine = await getBiometricEngine();
    await Promise.all(IMAGES.map((f) => engine.analyze(pair(f), { embed: true, liveness: true }))); // warm up
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('keeps the event loop responsive while 4 analyses run concurrently', async () => {
    // One attempt: two rounds of 4 concurrent analyses (embed + liveness), ~0.5 s of work on 2
    // cores. Up to 3 attempts absorb a neighbour's load spike that the control happened to miss.
    // The in-process pipeline stalls the loop 25–45 ms per model run on a quiet machine (100–170
    // ms under load) and keeps it >90% busy; the pool keeps it a few % busy, which is what the
    // utilisation check pins down independently of machine load.
    const attempt = async () => {
      const stopControl = await startControlTimer();
      const elu0 = nodePerformance.eventLoopUtilization();
      const gaps: Gap[] = [];
      let last = now();
      const timer = setInterval(() => {
        const t = now();
        gaps.push([last, t]);
        last = t;
      }, 5);
      try {
        for (let round = 0; round < 2; round++) {
          const results = await Promise.all(IMAGES.map((f) => engine.analyze(pair(f), { embed: true, liveness: true })));
          for (const r of results) expect(r.faces[0]?.embedding).toHaveLength(512);
        }
      } finally {
        clearInterval(timer);
      }
      const busy = nodePerformance.eventLoopUtilization(elu0).utilization;
      const control = await stopControl();
      expect(gaps.length).toBeGreaterThan(10);
      const own = gaps.map((g) => notSharedWithControl(g, control));
      const i = own.indexOf(Math.max(...own));
      return { own: own[i]!, gap: gaps[i]![1] - gaps[i]![0], controlStalls: control.length, busy };
    };
    const tries: Awaited<ReturnType<typeof attempt>>[] = [];
    do tries.push(await attempt());
    while ((tries.at(-1)!.own >= 250 || tries.at(-1)!.busy >= 0.3) && tries.length < 3);
    const last = tries.at(-1)!;
    // The analyses run in workers: the main loop stays idle (busy) and never stalls for long. Stalls
    // of tens of ms also come from the OS scheduling other processes on a shared 2-core machine.
    expect(last.own, JSON.stringify(tries)).toBeLessThan(250);
    expect(last.busy, JSON.stringify(tries)).toBeLessThan(0.3);
  });

  it('gives the same results as the in-process pipeline (embedding within 1e-5)', async () => {
    const reference = await createInProcessEngine();
    for (const f of IMAGES) {
      const bytes = pair(f);
      const [pooled, local] = [await engine.analyze(bytes, { embed: true, liveness: true }), await reference.analyze(bytes, { embed: true, liveness: true })];
      expect(bytes.byteLength, 'caller buffer still usable').toBeGreaterThan(0);
      expect(pooled.faces.length, f).toBe(local.faces.length);
      const [a, b] = [pooled.faces[0]!, local.faces[0]!];
      expect(a.embedding).toBeInstanceOf(Float32Array);
      expect(a.embedding).toHaveLength(512);
      for (let i = 0; i < 512; i++) expect(Math.abs(a.embedding![i]! - b.embedding![i]!), `${f} [${i}]`).toBeLessThan(1e-5);
      expect(a.liveness!).toBeCloseTo(b.liveness!, 6);
      expect(a.box).toEqual(b.box);
      expect(a.landmarks).toEqual(b.landmarks);
      expect(pooled.timings.total).toBeGreaterThan(0);
    }
  });

  it('analyzeRgb in a worker matches, and leaves the caller’s pixels intact', async () => {
    const reference = await createInProcessEngine();
    const { decodeImage } = await import('../lib/biometrics/decode');
    const img = await decodeImage(pair(IMAGES[0]!));
    const before = img.data.byteLength;
    const [pooled, local] = [await engine.analyzeRgb(img, { embed: true }), await reference.analyzeRgb(img, { embed: true })];
    expect(img.data.byteLength).toBe(before);
    expect(engine.cosine(pooled.faces[0]!.embedding!, local.faces[0]!.embedding!)).toBeGreaterThan(1 - 1e-6);
  });

  it('carries typed errors across the thread boundary', async () => {
    expect(await codeOf(engine.analyze(Buffer.from('definitely not a jpeg')))).toBe('NOT_AN_IMAGE');
    expect(await codeOf(engine.analyze(Buffer.alloc(3 * 1024 * 1024)))).toBe('IMAGE_TOO_LARGE');
  });

  it('refuses work with BUSY when more than BIOMETRICS_QUEUE_LIMIT analyses are waiting', async () => {
    const { pool, engine: small } = await smallPool({ size: 1, queueLimit: 2 });
    pools.push(pool);
    const bytes = pair(IMAGES[0]!);
    // 1 runs, 2 wait, the 4th and 5th are refused at once; the accepted ones still complete.
    const settled = await Promise.allSettled(Array.from({ length: 5 }, () => small.analyze(bytes, { embed: true })));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
    for (const s of settled.slice(3)) expect(((s as PromiseRejectedResult).reason as BiometricError).code).toBe('BUSY');
    expect(pool.waiting).toBe(0);
  });

  it('fails the in-flight job of a crashed worker with ENGINE_FAILED and restarts the worker', async () => {
    const { pool, engine: small } = await smallPool({ size: 1 });
    pools.push(pool);
    const bytes = pair(IMAGES[1]!);
    const inFlight = small.analyze(bytes, { embed: true, liveness: true });
    const queued = small.analyze(bytes, { embed: true });
    await new Promise((r) => setTimeout(r, 20));
    pool.crashOneWorker();
    expect(await codeOf(inFlight)).toBe('ENGINE_FAILED');
    // The queued job waits for the replacement worker instead of hanging or failing.
    expect((await queued).faces[0]!.embedding).toHaveLength(512);
    expect(pool.stats.restarts).toBe(1);
  });

  it('stops a job that exceeds BIOMETRICS_JOB_TIMEOUT_MS instead of hanging', async () => {
    const { pool, engine: small } = await smallPool({ size: 1, jobTimeoutMs: 5 });
    pools.push(pool);
    expect(await codeOf(small.analyze(pair(IMAGES[2]!), { embed: true, liveness: true }))).toBe('ENGINE_FAILED');
    expect(pool.stats.restarts).toBe(1);
  });
});
