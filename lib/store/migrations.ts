import type { Kysely } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import { migration0002 } from './migration-0002-h5';
import { migration0003 } from './migration-0003-live-capture';
import { migration0004 } from './migration-0004-hardening';
import { migration0005 } from './migration-0005-cloudauth-2019';
import { migration0006 } from './migration-0006-faceid-face-verify';
import { migration0007 } from './migration-0007-console';

/**
 * One set of migrations for SQLite and PostgreSQL. Column types are the portable subset
 * (text, integer, bigint, double precision); SQLite maps them to its affinities.
 */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('access_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('secret_enc', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('description', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('scenes')
        .addColumn('biz', 'text', (c) => c.primaryKey())
        .addColumn('scheme', 'text', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('tasks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('biz', 'text', (c) => c.notNull())
        .addColumn('ticket_id', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer', (c) => c.notNull())
        .addColumn('similarity_score', 'double precision')
        .addColumn('audit_conclusions', 'text')
        .addColumn('identity_enc', 'text')
        .addColumn('user_data', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('decided_at', 'bigint')
        .addUniqueConstraint('tasks_biz_ticket_unique', ['biz', 'ticket_id'])
        .execute();
      await db.schema
        .createTable('verify_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('verify_tokens_task').on('verify_tokens').column('task_id').execute();
      await db.schema
        .createTable('materials')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('blob_key', 'text', (c) => c.notNull())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('materials_task').on('materials').columns(['task_id', 'kind']).execute();
      await db.schema
        .createTable('nonces')
        .addColumn('access_key_id', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('nonces_pk', ['access_key_id', 'nonce'])
        .execute();
      await db.schema.createIndex('nonces_expiry').on('nonces').column('expires_at').execute();
      await db.schema
        .createTable('audit_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('task_id', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_events_task').on('audit_events').columns(['task_id', 'created_at']).execute();
    },
  },
  '0002_h5': migration0002,
  '0003_live_capture': migration0003,
  '0004_hardening': migration0004,
  '0005_cloudauth_2019': migration0005,
  '0006_faceid_face_verify': migration0006,
  '0007_console': migration0007,
};

class InCodeMigrations implements MigrationProvider {
  async getMigrations() {
    return migrations;
  }
}

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  // 0005 was reserved while 0006/0007 shipped first: a database that has them still gets 0005.
  const migrator = new Migrator({ db, provider: new InCodeMigrations(), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
