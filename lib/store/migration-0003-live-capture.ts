import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Live capture (issue 7): the page streams what the camera sees while it is captured, and the
 * server issues the challenges one at a time.
 * - h5_frames: one row per streamed frame — the page's capture time, the server's arrival time,
 *   the digest (replays of earlier attempts' frames are found by it), the encrypted image (deleted
 *   once the attempt is decided unless kept as evidence) and the server's own per-frame
 *   measurements (JSON, no embeddings).
 * - h5_challenges: when the server issued each challenge and when its own analysis saw it done.
 * - h5_attempts.signals: camera label / track settings / measured frame rate (injection signals).
 * - h5_evidence.stream_seq: the streamed frame a full-resolution best frame claims to be.
 */
export const migration0003: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('h5_frames')
      .addColumn('attempt_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('capture_ts', 'double precision', (c) => c.notNull())
      .addColumn('arrival_ts', 'bigint', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('width', 'integer')
      .addColumn('height', 'integer')
      .addColumn('blob_key', 'text')
      .addColumn('facts', 'text')
      .addPrimaryKeyConstraint('h5_frames_pk', ['attempt_id', 'seq'])
      .execute();
    await db.schema.createIndex('h5_frames_sha256').on('h5_frames').column('sha256').execute();
    await db.schema
      .createTable('h5_challenges')
      .addColumn('attempt_id', 'text', (c) => c.notNull())
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('issued_at', 'bigint', (c) => c.notNull())
      .addColumn('seen_at', 'bigint')
      .addColumn('evidence', 'text')
      .addPrimaryKeyConstraint('h5_challenges_pk', ['attempt_id', 'idx'])
      .execute();
    await db.schema.alterTable('h5_attempts').addColumn('signals', 'text').execute();
    await db.schema.alterTable('h5_evidence').addColumn('stream_seq', 'integer').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('h5_challenges').execute();
    await db.schema.dropTable('h5_frames').execute();
  },
};
