import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * H5 flow: one row per attempt (the server-chosen challenges, the redirect targets the page
 * asked for, the outcome) and one row per uploaded evidence frame (the image itself is an
 * encrypted blob; the row keeps its key, size and digest). The primary key (attempt_id, idx)
 * makes uploads idempotent: a retried frame cannot create a duplicate.
 */
export const migration0002: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('h5_attempts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('challenges', 'text', (c) => c.notNull())
      .addColumn('success_redirect', 'text')
      .addColumn('fail_redirect', 'text')
      .addColumn('reason', 'text')
      .addColumn('decision', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('claimed_at', 'bigint')
      .addColumn('decided_at', 'bigint')
      .execute();
    await db.schema.createIndex('h5_attempts_task').on('h5_attempts').columns(['task_id', 'seq']).execute();
    await db.schema
      .createTable('h5_evidence')
      .addColumn('attempt_id', 'text', (c) => c.notNull())
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('action', 'text')
      .addColumn('blob_key', 'text')
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('h5_evidence_pk', ['attempt_id', 'idx'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('h5_evidence').execute();
    await db.schema.dropTable('h5_attempts').execute();
  },
};
