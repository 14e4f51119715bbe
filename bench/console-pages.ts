// First-load JavaScript (brotli, zlib default quality 11) of every console page, /demo and the
// verify page, from the real built app: the <script src> chunks each page's HTML loads.
// Run: npx tsx bench/console-pages.ts   (NEXT_DIST_DIR=… to measure another build; VERIFY_ONLY=1)
import os from 'node:os';
import { brotliCompressSync } from 'node:zlib';
import { startServer } from '../tests/helpers/server';
import { json, PROVISION, rawPost, signedParams } from '../tests/helpers/rpc';
import { ensureBuild } from '../scripts/ensure-build.mjs';
import { machineLine, writeResultsSection } from './lib/results';

const ADMIN = { username: 'bench-admin', password: 'bench-admin-password-0123' };

async function firstLoad(base: string, path: string, cookie = ''): Promise<{ files: number; raw: number; brotli: number }> {
  const html = await fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' }).then((r) => r.text());
  const srcs = [...new Set([...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map((m) => m[1]!))];
  let raw = 0;
  let brotli = 0;
  for (const s of srcs) {
    const res = await fetch(new URL(s, base));
    const body = Buffer.from(await res.arrayBuffer());
    raw += body.length;
    brotli += brotliCompressSync(body).length;
  }
  return { files: srcs.length, raw, brotli };
}

async function main() {
  ensureBuild();
  const server = await startServer({ provision: PROVISION, env: { CONSOLE_ADMIN_USER: ADMIN.username, CONSOLE_ADMIN_PASSWORD: ADMIN.password } });
  try {
    const rows: [string, Awaited<ReturnType<typeof firstLoad>>][] = [];
    const tok = json(await rawPost(server.url, signedParams('GetVerifyToken', { Biz: 'demo-h5', TicketId: `bench-${Date.now()}`, Binding: JSON.stringify({ Name: '张三' }) }, { method: 'POST' })));
    rows.push(['/verify', await firstLoad(server.url, new URL(tok.Data.CloudauthPageUrl).pathname + new URL(tok.Data.CloudauthPageUrl).search)]);
    if (process.env.VERIFY_ONLY !== '1') {
      const s = await fetch(`${server.url}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.url }, body: JSON.stringify(ADMIN) });
      const cookie = s.headers.get('set-cookie')!.split(';')[0]!;
      const task = (await fetch(`${server.url}/console/api/records`, { headers: { cookie } }).then((r) => r.json())) as { rows: { id: string }[] };
      for (const p of ['/console/sign-in', '/console/records', `/console/records/${task.rows[0]?.id}`, '/console/reviews', '/console/scenes', '/console/scenes/demo-h5', '/console/keys', '/console/operators', '/console/analytics']) {
        rows.push([p.replace(/t_[a-z0-9]+$/, '[id]'), await firstLoad(server.url, p, p === '/console/sign-in' ? '' : cookie)]);
      }
    }
    const kb = (n: number) => (n / 1024).toFixed(1);
    const lines = ['| page | script files | raw KB | brotli KB |', '|---|---|---|---|', ...rows.map(([p, r]) => `| ${p} | ${r.files} | ${kb(r.raw)} | ${kb(r.brotli)} |`)];
    console.log(`build ${process.env.NEXT_DIST_DIR ?? '.next'}\n${lines.join('\n')}`);
    if (process.env.VERIFY_ONLY !== '1') {
      writeResultsSection('console-pages', ['## Console first-load JavaScript (`npx tsx bench/console-pages.ts`)', '', `${machineLine()}; load ${os.loadavg()[0]!.toFixed(2)}.`, 'ECharts is imported dynamically by the analytics page after it renders, so it is not in any first load (and never on /verify).', '', ...lines].join('\n'));
    }
  } finally {
    await server.stop();
  }
}

void main().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
