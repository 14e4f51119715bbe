// Shared pieces of the H5 end-to-end tests: real media, system Chromium with a fake camera,
// a partner page to redirect to, and screenshots of every state.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from '../tests/helpers/server';

export const MEDIA = path.resolve(ROOT, '..', 'shared', 'media');
export const CHROMIUM = '/usr/bin/chromium';
export const FFMPEG = '/usr/bin/ffmpeg';
export const SCREENS = path.join(ROOT, 'test-results', 'screens');

/** Why the e2e tests cannot run here, or null. They need the real media, Chromium and ffmpeg. */
export function missingPrerequisite(): string | null {
  if (!fs.existsSync(path.join(MEDIA, 'videos'))) return `${MEDIA} is missing`;
  if (!fs.existsSync(CHROMIUM)) return `${CHROMIUM} is missing`;
  if (!fs.existsSync(FFMPEG)) return `${FFMPEG} is missing`;
  return null;
}

export const video = (name: string) => path.join(MEDIA, 'videos', `${name}.mjpeg`);
export const spoofLoop = (name: string) => path.join(MEDIA, 'spoof', 'fake-camera', `${name}.mjpeg`);

/** A still JPEG of a clip at `seconds` (ffmpeg), into a temp dir: never committed. */
export function still(file: string, seconds: number, dir: string): Buffer {
  const out = path.join(dir, `${path.basename(file)}-${seconds}.jpg`);
  // Raw MJPEG has no timestamps: read it at the fake camera's 30 fps and seek after decoding.
  execFileSync(FFMPEG, ['-loglevel', 'error', '-y', '-framerate', '30', '-i', file, '-ss', String(seconds), '-frames:v', '1', '-q:v', '3', out]);
  return fs.readFileSync(out);
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cloudauth-e2e-'));
}

const BASE_FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** System Chromium with a fresh profile; `camera` = a fake camera clip, or 'deny' to refuse the permission. */
export async function launch(camera: string | 'deny'): Promise<Browser> {
  const args = [...BASE_FLAGS, '--use-fake-device-for-media-stream'];
  if (camera === 'deny') args.push('--deny-permission-prompts');
  else args.push('--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${camera}`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

export async function phonePage(browser: Browser, locale = 'zh-CN'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 1, locale, hasTouch: true, isMobile: false });
  return context.newPage();
}

/** A partner page on its own origin, recording every visit. */
export async function partnerServer(): Promise<{ origin: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const srv = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>partner</title><h1 id="partner">Partner app</h1>');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, hits, close: () => new Promise((r) => srv.close(() => r())) };
}

/**
 * Screenshots every new state of the page (data-flow-state, plus the prompt or action inside it)
 * at the phone viewport, into test-results/screens/<flow>-NN-<state>.png (gitignored).
 */
export function watchStates(page: Page, flow: string): { seen: string[]; history: string[]; stop(): Promise<void> } {
  fs.mkdirSync(SCREENS, { recursive: true });
  const seen: string[] = [];
  /** Every state the page entered, in order, from its own record (window.__flowHistory). */
  const history: string[] = [];
  const timeline: { ms: number; state: string }[] = [];
  const t0 = Date.now();
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const h = await page.evaluate(() => (window as unknown as { __flowHistory?: string[] }).__flowHistory ?? []);
        if (h.length > history.length) history.push(...h.slice(history.length));
        const key = await page.evaluate(() => {
          const main = document.querySelector('[data-flow-state]');
          if (!main) return null;
          const s = main.getAttribute('data-flow-state');
          const sub = document.querySelector('[data-prompt]')?.getAttribute('data-prompt') ?? document.querySelector('[data-outcome]')?.getAttribute('data-outcome') ?? document.querySelector('[data-error]')?.getAttribute('data-error') ?? document.querySelector('[data-token-state]')?.getAttribute('data-token-state') ?? '';
          return sub ? `${s}-${sub}` : s;
        });
        if (key && !seen.includes(key)) {
          seen.push(key);
          timeline.push({ ms: Date.now() - t0, state: key });
          await page.screenshot({ path: path.join(SCREENS, `${flow}-${String(seen.length).padStart(2, '0')}-${key.replace(/[^a-zA-Z0-9_-]/g, '_')}.png`) });
        }
      } catch {
        /* navigating */
      }
      await new Promise((r) => setTimeout(r, 120));
    }
  })();
  return {
    seen,
    history,
    stop: async () => {
      running = false;
      await loop;
      fs.mkdirSync(path.join(SCREENS, '..', 'traces'), { recursive: true });
      fs.writeFileSync(path.join(SCREENS, '..', 'traces', `${flow}-states.json`), JSON.stringify(timeline, null, 1));
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENS, `${name}.png`) });
}

/**
 * What the server decided for every H5 attempt so far (reason, scores and stream measurements,
 * from the audit trail of the test server's own database), so a failed flow says why.
 */
export function attemptTrail(dataDir: string): string {
  return readServerDb(dataDir, (db) => {
    const rows = db.prepare("select event, detail from audit_events where event like 'h5.%' order by rowid").all() as { event: string; detail: string | null }[];
    return rows.slice(-6).map((r) => `${r.event} ${r.detail ?? ''}`).join('\n');
  });
}

/** Reads the test server's own SQLite database (read-only) while it runs: its trail, its stored frames. */
export function readServerDb<T>(dataDir: string, read: (db: import('better-sqlite3').Database) => T): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Database(path.join(dataDir, 'cloudauth.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

