import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Issue 8 §2–3: the 2019-03-07 API and the callback outbox.
 * - `scenes.scene_id`: the numeric SceneId partners of the 2019 API send (provisioning field
 *   `sceneId`), unique among scenes.
 * - `certify_ids`: the 2019 API's CertifyId → task (beside protocol_tasks, which migration 0006
 *   creates: 0005 is ordered before it), looked up by DescribeFaceVerify.
 * - `callback_targets`: where a task's final outcome is to be called back (one per task: a new
 *   token for the ticket replaces it); the partner's token/seed is kept encrypted.
 * - `callback_outbox`: one row per final decision to deliver, written in the decision's own
 *   transaction and worked off by the dispatcher (lib/verification/callbacks/dispatcher.ts):
 *   durable, retried with backoff, claimed by one process at a time.
 */
export const migration0005: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('scenes').addColumn('scene_id', 'bigint').execute();
    await db.schema.createIndex('scenes_scene_id').on('scenes').column('scene_id').unique().execute();
    // CertifyId of the 2019-03-07 API (InitFaceVerify and the server-only actions): its own id, never the page's bearer token.
    await db.schema
      .createTable('certify_ids')
      .addColumn('certify_id', 'text', (c) => c.primaryKey())
      .addColumn('task_id', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('callback_targets')
      .addColumn('task_id', 'text', (c) => c.primaryKey())
      .addColumn('protocol', 'text', (c) => c.notNull())
      .addColumn('access_key_id', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret_enc', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('callback_outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('locked_until', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('delivered_at', 'bigint')
      .execute();
    await db.schema.createIndex('callback_outbox_due').on('callback_outbox').columns(['state', 'next_attempt_at']).execute();
    await db.schema.createIndex('callback_outbox_task').on('callback_outbox').column('task_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('callback_outbox').execute();
    await db.schema.dropTable('callback_targets').execute();
    await db.schema.dropTable('certify_ids').execute();
    await db.schema.dropIndex('scenes_scene_id').execute();
    await db.schema.alterTable('scenes').dropColumn('scene_id').execute();
  },
};
