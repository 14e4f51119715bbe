import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  env: Record<string, string>;
  /** The server process id (for resource checks). */
  pid(): number | undefined;
  /** Output of the server process (stdout+stderr), for assertions about logging. */
  output(): string;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

/**
 * Starts the real built app (scripts/serve.mjs) as a child process, exactly as `npm start` serves it,
 * with its own DATA_DIR and the given environment. The build is made once by tests/global-setup.ts.
 */
export async function startServer(opts: { env?: Record<string, string>; provision?: unknown; dataDir?: string; workers?: number; port?: number } = {}): Promise<RunningServer> {
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cloudauth-test-'));
  const env: Record<string, string> = {
    CLOUDAUTH_DEMO: '0',
    LOG_LEVEL: 'warn',
    ...opts.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  };
  if (opts.provision) {
    const file = path.join(dataDir, 'provision.json');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(opts.provision));
    env.CLOUDAUTH_PROVISION = file;
  }
  let child: ChildProcess | null = null;
  let out = '';
  const launch = async () => {
    // One scripts/serve.mjs process (what each `npm start` worker runs); workers > 1: the whole
    // scripts/start.mjs cluster.
    const args = [path.join(ROOT, 'scripts', opts.workers ? 'start.mjs' : 'serve.mjs')];
    child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...env, HOSTNAME_BIND: '127.0.0.1', ...(opts.workers ? { WEB_CONCURRENCY: String(opts.workers) } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`);
      try {
        const r = await fetch(`http://127.0.0.1:${port}/api/health`);
        if (r.ok) return;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`server did not become ready:\n${out}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  };
  const stop = async () => {
    const c = child as ChildProcess | null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
      setTimeout(() => c.kill('SIGKILL'), 5000).unref();
    });
  };
  await launch();
  return { url: `http://127.0.0.1:${port}`, port, dataDir, env, pid: () => (child as ChildProcess | null)?.pid, output: () => out, stop, restart: async () => (await stop(), await launch()) };
}
