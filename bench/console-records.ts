// Records search in the console with 100 000 generated records, on SQLite and PostgreSQL: the
// same searchRecords() the console page and /console/api/records run, over the real migrated
// schema (indexes of migration 0007_console). Prints p50/p95 per filter and writes bench/RESULTS.md.
// Run: npx tsx bench/console-records.ts   (RECORDS=100000 REPEAT=30 to change)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../lib/store/database';
import { parseFilter, searchRecords } from '../lib/console/records';
import { createTestDatabase, postgresAvailable } from '../tests/helpers/postgres';
import { machineLine, percentile, writeResultsSection } from './lib/results';

const RECORDS = Number(process.env.RECORDS ?? 100_000);
const REPEAT = Number(process.env.REPEAT ?? 30);
const SCENES = ['shop-h5', 'loan-h5', 'demo-h5', 'kyc-h5', 'gov-h5'];
const REASONS = [null, 'NOT_SAME_PERSON', 'LIVENESS_TIMEOUT', 'SPOOF_SUSPECTED', 'LIVENESS_ACTION_NOT_DETECTED:blink', 'NO_REFERENCE_PHOTO'];
const DAY = 86_400_000;

async function seed(db: Db): Promise<void> {
  const now = Date.now();
  let rnd = 42;
  const rand = () => ((rnd = (rnd * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let start = 0; start < RECORDS; start += 500) {
    const rows = [];
    for (let i = start; i < Math.min(RECORDS, start + 500); i++) {
      const created = now - Math.floor(rand() * 60 * DAY);
      const status = [1, 1, 1, 2, 2, 0, -1][Math.floor(rand() * 7)]!;
      const reason = status === 2 ? REASONS[1 + Math.floor(rand() * 5)]! : null;
      rows.push({ id: `t_${created.toString(36)}${String(i).padStart(7, '0')}`, biz: SCENES[i % 5]!, ticket_id: `order-${i}`, status_code: status, similarity_score: status >= 1 ? Math.round(rand() * 10000) / 100 : null, audit_conclusions: reason, identity_enc: null, user_data: null, attempts: 1, version: 1, created_at: created, updated_at: created, decided_at: status >= 1 ? created + 30_000 : null });
    }
    await db.insertInto('tasks').values(rows).execute();
  }
}

const today = new Date().toISOString().slice(0, 10);
const weekAgo = new Date(Date.now() - 7 * DAY).toISOString().slice(0, 10);

async function measure(db: Db): Promise<{ name: string; p50: number; p95: number; rows: number }[]> {
  const first = await searchRecords(db, {});
  // A deep page: follow the cursor 40 pages in (2 000 records), then time that page.
  let cursor = first.next;
  for (let i = 0; i < 40 && cursor; i++) cursor = (await searchRecords(db, { after: cursor })).next;
  const cases: [string, Record<string, string>][] = [
    ['newest, no filter', {}],
    ['scene', { biz: 'loan-h5' }],
    ['status failed', { status: '2' }],
    ['reason NOT_SAME_PERSON', { reason: 'NOT_SAME_PERSON' }],
    ['reason prefix LIVENESS_ACTION_NOT_DETECTED', { reason: 'LIVENESS_ACTION_NOT_DETECTED' }],
    ['ticket (exact)', { ticket: 'order-77777' }],
    ['scene + status + last 7 days', { biz: 'kyc-h5', status: '1', from: weekAgo, to: today }],
    ['awaiting review', { status: 'review' }],
    ['page 41 (keyset cursor)', { after: cursor ?? '' }],
  ];
  const out = [];
  for (const [name, sp] of cases) {
    const f = parseFilter(sp);
    const ms: number[] = [];
    let rows = 0;
    for (let i = 0; i < REPEAT; i++) {
      const t0 = performance.now();
      rows = (await searchRecords(db, f)).rows.length;
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    out.push({ name, p50: percentile(ms, 50), p95: percentile(ms, 95), rows });
  }
  return out;
}

async function main() {
  const sections: string[] = [];
  const run = async (label: string, open: () => Promise<{ db: Db; close: () => Promise<void> }>) => {
    const { db, close } = await open();
    const t0 = performance.now();
    await seed(db);
    console.log(`${label}: ${RECORDS} records seeded in ${Math.round(performance.now() - t0)} ms`);
    const res = await measure(db);
    await close();
    const all = res.map((r) => r.p95).sort((a, b) => a - b);
    const lines = [`**${label}** (${RECORDS.toLocaleString('en')} records, ${REPEAT} runs per filter, 50 rows per page): worst p95 ${all.at(-1)!.toFixed(1)} ms`, '', '| filter | rows | p50 ms | p95 ms |', '|---|---|---|---|', ...res.map((r) => `| ${r.name} | ${r.rows} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} |`)];
    console.log(lines.join('\n'));
    sections.push(lines.join('\n'));
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-records-'));
  await run('SQLite', async () => {
    const o = await openDatabase({ dataDir: dir });
    return { db: o.db, close: async () => (await o.db.destroy(), fs.rmSync(dir, { recursive: true, force: true })) };
  });
  if (await postgresAvailable()) {
    const pg = await createTestDatabase();
    await run('PostgreSQL', async () => {
      const o = await openDatabase({ databaseUrl: pg.url, dataDir: dir });
      return { db: o.db, close: async () => (await o.db.destroy(), await pg.drop()) };
    });
  } else console.log('[skip] PostgreSQL not reachable');
  writeResultsSection('console-records', ['## Console records search (`npx tsx bench/console-records.ts`)', '', `${machineLine()}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at the end.`, '', ...sections.flatMap((s) => [s, ''])].join('\n'));
}

void main().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
