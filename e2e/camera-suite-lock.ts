// The machine-wide lock that keeps one camera-flow test file running at a time. Its own module:
// it needs vitest's hooks, and the benchmarks import e2e/helpers.ts outside vitest.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

const SUITE_LOCK = path.join(os.tmpdir(), 'open-cloudauth-browser-suite.lock');
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * One camera-flow test file at a time across vitest's workers. Each flow runs a face worker in
 * Chromium, its fake camera and the server's analysis, which is both cores' worth: two files of
 * them side by side starved each other's live stream (the server then, rightly, refused the
 * capture as not live). The other worker meanwhile runs the API tests. Call inside the describe,
 * before its own hooks.
 */
export function oneCameraSuiteAtATime(): void {
  beforeAll(async () => {
    for (;;) {
      try {
        fs.writeFileSync(SUITE_LOCK, String(process.pid), { flag: 'wx' });
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const holder = Number(fs.readFileSync(SUITE_LOCK, 'utf8').trim() || 0);
        // A holder that died (a killed run) must not block the next one.
        if (holder && holder !== process.pid && !alive(holder)) fs.rmSync(SUITE_LOCK, { force: true });
        else await new Promise((r) => setTimeout(r, 500));
      }
    }
  }, 3_600_000);
  afterAll(() => {
    if (fs.existsSync(SUITE_LOCK) && fs.readFileSync(SUITE_LOCK, 'utf8').trim() === String(process.pid)) fs.rmSync(SUITE_LOCK, { force: true });
  });
}
