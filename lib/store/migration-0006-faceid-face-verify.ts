import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * FaceID and face_verify tasks are ordinary core tasks; this table only remembers what those
 * protocols need on top: which protocol and AccessKey created the task (a key reads only its own
 * results), the partner's own id (FaceID `biz_no`, face_verify `bizId`) and, for the reference
 * lookup of face_verify, a keyed hash of the ID number (never the number itself); `options` is
 * the protocol's own JSON (FaceID: which references were given, the ref2 score once computed).
 */
export const migration0006: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('protocol_tasks')
      .addColumn('task_id', 'text', (c) => c.primaryKey())
      .addColumn('protocol', 'text', (c) => c.notNull())
      .addColumn('access_key_id', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text')
      .addColumn('identity_lookup', 'text')
      .addColumn('options', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('protocol_tasks_identity').on('protocol_tasks').columns(['access_key_id', 'identity_lookup', 'created_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('protocol_tasks').execute();
  },
};
