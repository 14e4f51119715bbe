import crypto from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server the tests use (CI has one with trust auth); override with TEST_PG_URL. */
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A throw-away database per test file, so runs never see each other's rows. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cloudauth_t_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** A server's database environment for one test variant: SQLite (the default) or a throw-away PostgreSQL database. */
export async function variantDatabase(name: string): Promise<{ env: Record<string, string>; url?: string; drop(): Promise<void> }> {
  if (name !== 'PostgreSQL') return { env: {}, drop: async () => undefined };
  const db = await createTestDatabase();
  return { env: { DATABASE_URL: db.url }, url: db.url, drop: db.drop };
}
