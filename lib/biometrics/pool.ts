// A fixed pool of worker threads, each running the whole analysis pipeline with its own ONNX
// sessions, so model runs (8–27 ms each, synchronous in onnxruntime-node's binding) and the
// pixel loops never hold the main thread's event loop. Jobs wait in one FIFO queue in front of
// the pool; when more than `queueLimit` are waiting, new ones are refused with BUSY rather than
// piling up. A worker that dies (native crash, OOM, timeout) fails its in-flight job with
// ENGINE_FAILED and is replaced.
//
// Two lanes share the workers: 'interactive' (a person waiting in front of the camera: the H5
// decision) and 'batch' (partner API calls such as CompareFaces). Each lane has its own bounded
// queue, and a free worker always takes an interactive job first, so a flood of partner calls
// can fill only the batch queue: an H5 analysis waits at most for the jobs already running.
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BiometricError, type BiometricErrorCode } from './errors';
import type { ImageAnalysis } from './types';
import type { FromWorker, SerializedError, ToWorker, WorkerInit } from './worker/protocol';

const ENTRY_IN_REPO = path.join('lib', 'biometrics', 'worker', 'analysis-worker.mjs');

/**
 * The worker entry file. Not `new URL(…, import.meta.url)`/`__dirname`: inside the Next.js
 * server bundle those point into .next/, where no such file exists. Like the models
 * (models.ts), it is found from process.cwd() (`next start`, scripts and tests all run from the
 * repo root); BIOMETRICS_WORKER_ENTRY overrides; the module's own directory is the fallback
 * when running unbundled from elsewhere.
 */
export function workerEntry(): string {
  const candidates = [
    process.env.BIOMETRICS_WORKER_ENTRY && path.resolve(process.env.BIOMETRICS_WORKER_ENTRY),
    path.resolve(process.cwd(), ENTRY_IN_REPO),
    typeof __dirname === 'string' ? path.join(__dirname, 'worker', 'analysis-worker.mjs') : undefined,
  ].filter((c): c is string => !!c);
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) {
    throw new BiometricError('ENGINE_FAILED', `biometrics worker entry not found (looked at ${candidates.join(', ')}); run from the repo root or set BIOMETRICS_WORKER_ENTRY`);
  }
  return found;
}

export interface PoolOptions {
  entry: string;
  size: number;
  /** Batch-lane jobs allowed to wait for a worker; one more is refused with BUSY. */
  queueLimit: number;
  /** Interactive-lane jobs allowed to wait (default: queueLimit). */
  interactiveQueueLimit?: number;
  /** A job running longer than this terminates its worker (ENGINE_FAILED) so nothing hangs. */
  jobTimeoutMs: number;
  init: Omit<WorkerInit, 'spawnedAt'>;
}

export interface JobResult {
  result: ImageAnalysis;
  /** Waiting in the queue. */
  queuedMs: number;
  /** Dispatch to answer, as seen by the main thread. */
  roundTripMs: number;
  /** Time the worker itself spent. */
  busyMs: number;
}

type AnalyzeMessage = Extract<ToWorker, { type: 'analyze' }>;

/** Who is waiting for an analysis: a person at the camera, or a partner's server. */
export type PoolLane = 'interactive' | 'batch';

interface Job {
  msg: AnalyzeMessage;
  transfer: ArrayBuffer[];
  enqueuedAt: number;
  dispatchedAt: number;
  resolve(r: JobResult): void;
  reject(e: Error): void;
}

interface Slot {
  index: number;
  worker: Worker | null;
  ready: boolean;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  timedOut: boolean;
  /** Consecutive failures to start (drives the restart back-off). */
  failures: number;
  lastError: string | null;
  startup: { resolve(): void; reject(e: Error): void } | null;
}

function revive(e: SerializedError): Error {
  let err: Error;
  if (e.name === 'BiometricError' && e.code) err = new BiometricError(e.code as BiometricErrorCode, e.message);
  else {
    err = new Error(e.message);
    err.name = e.name;
  }
  if (e.stack) err.stack = e.stack;
  return err;
}

export class WorkerPool {
  private readonly slots: Slot[];
  private readonly queues: Record<PoolLane, Job[]> = { interactive: [], batch: [] };
  private nextId = 1;
  private closed = false;
  /** Restarts so far, and each worker start-up in ms (spawn → sessions ready). */
  readonly stats = { restarts: 0, startupMs: [] as number[] };

  constructor(private readonly o: PoolOptions) {
    if (!(o.size >= 1)) throw new RangeError(`pool size must be ≥ 1, got ${o.size}`);
    this.slots = Array.from({ length: o.size }, (_, index) => ({
      index, worker: null, ready: false, job: null, timer: null, timedOut: false, failures: 0, lastError: null, startup: null,
    }));
  }

  get size(): number {
    return this.o.size;
  }

  /** Jobs waiting for a worker (not counting the ones running). */
  get waiting(): number {
    return this.queues.interactive.length + this.queues.batch.length;
  }

  /** Jobs of one lane waiting for a worker. */
  waitingIn(lane: PoolLane): number {
    return this.queues[lane].length;
  }

  /** Starts every worker; resolves when all have their sessions loaded. On failure the pool is closed. */
  async start(): Promise<void> {
    try {
      await Promise.all(this.slots.map((s) => this.spawn(s)));
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  run(msg: Omit<AnalyzeMessage, 'id'>, transfer: ArrayBuffer[] = [], lane: PoolLane = 'interactive'): Promise<JobResult> {
    return new Promise<JobResult>((resolve, reject) => {
      if (this.closed) return reject(new BiometricError('ENGINE_FAILED', 'the biometrics worker pool is closed'));
      const job: Job = { msg: { ...msg, id: this.nextId++ }, transfer, enqueuedAt: performance.now(), dispatchedAt: 0, resolve, reject };
      const queue = this.queues[lane];
      const limit = lane === 'interactive' ? (this.o.interactiveQueueLimit ?? this.o.queueLimit) : this.o.queueLimit;
      queue.push(job);
      this.pump();
      if (job.dispatchedAt === 0 && queue.length > limit) {
        queue.splice(queue.indexOf(job), 1);
        reject(new BiometricError('BUSY', `face analysis ${lane} queue is full (${limit} waiting for ${this.o.size} workers); retry later`));
      }
    });
  }

  /** Test hook: makes one worker (a busy one if any) exit as a crash would. */
  crashOneWorker(): void {
    const slot = this.slots.find((s) => s.job && s.worker) ?? this.slots.find((s) => s.worker);
    slot?.worker?.postMessage({ type: 'crash' } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.drainQueues()) job.reject(new BiometricError('ENGINE_FAILED', 'the biometrics worker pool was closed'));
    await Promise.all(this.slots.map(async (s) => s.worker?.terminate()));
  }

  private spawn(slot: Slot): Promise<void> {
    const worker = new Worker(this.o.entry, {
      workerData: { ...this.o.init, spawnedAt: Date.now() } satisfies WorkerInit,
      name: `biometrics-${slot.index}`,
      // A small young generation: the pipeline's garbage is mostly off-heap typed arrays that
      // are only freed when a scavenge runs; frequent cheap scavenges (off the main thread)
      // keep the process RSS ~20 MB lower per worker than the default.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    slot.worker = worker;
    slot.ready = false;
    slot.timedOut = false;
    slot.lastError = null;
    worker.on('message', (m: FromWorker) => this.onMessage(slot, worker, m));
    worker.on('error', (err) => {
      slot.lastError = err.message;
    });
    worker.on('exit', (code) => this.onExit(slot, worker, code));
    return new Promise<void>((resolve, reject) => {
      slot.startup = { resolve, reject };
    });
  }

  private onMessage(slot: Slot, worker: Worker, m: FromWorker): void {
    if (slot.worker !== worker) return;
    switch (m.type) {
      case 'ready':
        slot.ready = true;
        slot.failures = 0;
        this.stats.startupMs.push(m.startupMs);
        worker.unref(); // an idle pool must not keep a script alive; ref'd again while a job runs
        slot.startup?.resolve();
        slot.startup = null;
        this.pump();
        return;
      case 'init-error':
        slot.lastError = m.error.message;
        slot.startup?.reject(revive(m.error));
        slot.startup = null;
        void worker.terminate();
        return;
      case 'result':
      case 'error': {
        const job = slot.job;
        if (!job || job.msg.id !== m.id) return;
        this.finish(slot, worker);
        if (m.type === 'error') job.reject(revive(m.error));
        else {
          const roundTripMs = performance.now() - job.dispatchedAt;
          job.resolve({ result: m.result, queuedMs: job.dispatchedAt - job.enqueuedAt, roundTripMs, busyMs: m.busyMs });
        }
        this.pump();
      }
    }
  }

  private finish(slot: Slot, worker: Worker): void {
    slot.job = null;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    worker.unref();
  }

  private onExit(slot: Slot, worker: Worker, code: number): void {
    if (slot.worker !== worker) return;
    const job = slot.job;
    const wasReady = slot.ready;
    const why = slot.timedOut
      ? `took longer than ${this.o.jobTimeoutMs} ms and was stopped`
      : `exited with code ${code}${slot.lastError ? ` (${slot.lastError})` : ''}`;
    if (slot.timer) clearTimeout(slot.timer);
    Object.assign(slot, { worker: null, ready: false, job: null, timer: null });
    if (job) job.reject(new BiometricError('ENGINE_FAILED', `face analysis worker ${slot.index} ${why} during this analysis; it is being restarted`));
    if (slot.startup) {
      slot.startup.reject(new BiometricError('ENGINE_FAILED', `face analysis worker ${slot.index} ${why} while starting`));
      slot.startup = null;
    }
    if (this.closed) return;
    if (!wasReady) slot.failures++;
    if (this.slots.every((s) => !s.ready && s.failures > 0)) {
      // Nothing can serve the queue right now: fail it rather than let callers hang.
      for (const j of this.drainQueues()) j.reject(new BiometricError('ENGINE_FAILED', `no face analysis worker could be started: ${why}`));
    }
    const delay = slot.failures === 0 ? 0 : Math.min(30_000, 500 * 2 ** (slot.failures - 1));
    this.stats.restarts++;
    const timer = setTimeout(() => {
      if (this.closed) return;
      this.spawn(slot).catch(() => undefined); // failures are handled in onExit
    }, delay);
    if (delay > 0) timer.unref();
  }

  private drainQueues(): Job[] {
    return [...this.queues.interactive.splice(0), ...this.queues.batch.splice(0)];
  }

  private pump(): void {
    while (this.waiting > 0) {
      const slot = this.slots.find((s) => s.ready && !s.job && s.worker);
      if (!slot) return;
      // Interactive first: a person at the camera never queues behind partner batch work.
      const job = (this.queues.interactive.length > 0 ? this.queues.interactive : this.queues.batch).shift()!;
      const worker = slot.worker!;
      slot.job = job;
      job.dispatchedAt = performance.now();
      worker.ref();
      try {
        worker.postMessage(job.msg, job.transfer);
      } catch (e) {
        this.finish(slot, worker);
        job.reject(e as Error);
        continue;
      }
      slot.timer = setTimeout(() => {
        slot.timedOut = true;
        void worker.terminate();
      }, this.o.jobTimeoutMs);
      slot.timer.unref();
    }
  }
}
