import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './schema';
import { ensurePrivateDir, ensurePrivateFile, tighten } from '../security/file-modes';
import { migrateToLatest } from './migrations';

export type Db = Kysely<Database>;
export type DbKind = 'sqlite' | 'postgres';

export interface OpenedDatabase {
  db: Db;
  kind: DbKind;
  /** Human-readable location with any password removed, safe to print. */
  where: string;
}

/** SQLite under DATA_DIR by default; PostgreSQL when DATABASE_URL is postgres://. Same code either way. */
export async function openDatabase(opts: { databaseUrl?: string; dataDir: string }): Promise<OpenedDatabase> {
  const url = opts.databaseUrl;
  let opened: OpenedDatabase;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const pg = await import('pg');
    const Pool = pg.default?.Pool ?? pg.Pool;
    const types = pg.default?.types ?? pg.types;
    // int8 columns hold epoch milliseconds, well inside Number's safe range.
    types.setTypeParser(20, (v: string) => Number(v));
    types.setTypeParser(701, (v: string) => Number(v));
    const pool = new Pool({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
    opened = { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), kind: 'postgres', where: redactUrl(url) };
  } else {
    const file = url?.startsWith('sqlite:') ? url.slice('sqlite:'.length).replace(/^\/\//, '') : path.join(opts.dataDir, 'cloudauth.sqlite');
    ensurePrivateDir(path.dirname(path.resolve(file)));
    // SQLite creates the -wal and -shm files with the database file's own mode: 0600 here.
    if (file !== ':memory:') {
      ensurePrivateFile(file);
      for (const side of ['-wal', '-shm']) tighten(file + side, 0o600);
    }
    const { default: SQLite } = await import('better-sqlite3');
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    // Several processes (app + CLI) may share the file; wait instead of failing on a lock.
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    opened = { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) }), kind: 'sqlite', where: path.resolve(file) };
  }
  await migrateToLatest(opened.db as Kysely<unknown>);
  return opened;
}

/**
 * Kysely prepares every query afresh; better-sqlite3's prepare() was the largest single cost of a
 * GetStatus. Queries are built from a handful of fixed shapes, so cache statements by SQL text.
 */
function withStatementCache(sqlite: import('better-sqlite3').Database) {
  const cache = new Map<string, import('better-sqlite3').Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = sqlite.prepare(sql);
        if (cache.size > 500) cache.clear();
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}
