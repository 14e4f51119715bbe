import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Rate limits shared by every instance on one database (lib/security/rate-limit.ts): one row per
 * bucket holding its GCRA "theoretical arrival time" in microseconds. The index lets the
 * periodic purge drop idle buckets cheaply.
 */
export const migration0004: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rate_limits')
      .addColumn('bucket', 'text', (c) => c.primaryKey())
      .addColumn('tat_us', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rate_limits_tat').on('rate_limits').column('tat_us').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('rate_limits').execute();
  },
};
