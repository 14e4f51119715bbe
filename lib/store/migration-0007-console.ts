import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The operator console (issue 10): operators and their sessions, manual reviews and the evidence
 * kept for them, the verify page's flow events, AccessKey rotation/last use, and the indexes the
 * records search needs over 100 000+ tasks (keyset paging on created_at, id).
 */
export const migration0007: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('operators')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('oidc_subject', 'text', (c) => c.unique())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('failed_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'bigint')
      .addColumn('last_sign_in_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('console_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('operator_id', 'text', (c) => c.notNull())
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('console_sessions_operator').on('console_sessions').column('operator_id').execute();
    await db.schema
      .createTable('reviews')
      .addColumn('task_id', 'text', (c) => c.primaryKey())
      .addColumn('biz', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('machine_passed', 'integer', (c) => c.notNull())
      .addColumn('machine_reason', 'text')
      .addColumn('machine_score', 'double precision')
      .addColumn('attempt_id', 'text')
      .addColumn('claimed_by', 'text')
      .addColumn('claimed_at', 'bigint')
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'bigint')
      .addColumn('decision_reason', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('reviews_state').on('reviews').columns(['state', 'created_at']).execute();
    await db.schema
      .createTable('review_evidence')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('attempt_id', 'text', (c) => c.notNull())
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('action', 'text')
      .addColumn('blob_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('review_evidence_task').on('review_evidence').columns(['task_id', 'idx']).execute();
    await db.schema
      .createTable('flow_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('biz', 'text', (c) => c.notNull())
      .addColumn('step', 'text', (c) => c.notNull())
      .addColumn('ms', 'double precision')
      .addColumn('code', 'text')
      .addColumn('browser', 'text')
      .addColumn('in_app', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('flow_events_biz_time').on('flow_events').columns(['biz', 'created_at']).execute();
    await db.schema.createIndex('flow_events_task').on('flow_events').column('task_id').execute();
    await db.schema.alterTable('access_keys').addColumn('last_used_at', 'bigint').execute();
    await db.schema.alterTable('access_keys').addColumn('expires_at', 'bigint').execute();
    await db.schema.alterTable('access_keys').addColumn('rotated_to', 'text').execute();
    // Records: newest first with keyset paging, optionally within a scene / status; ticket lookups.
    await db.schema.createIndex('tasks_created').on('tasks').columns(['created_at', 'id']).execute();
    await db.schema.createIndex('tasks_biz_created').on('tasks').columns(['biz', 'created_at', 'id']).execute();
    await db.schema.createIndex('tasks_status_created').on('tasks').columns(['status_code', 'created_at', 'id']).execute();
    await db.schema.createIndex('tasks_reason_created').on('tasks').columns(['audit_conclusions', 'created_at', 'id']).execute();
    await db.schema.createIndex('tasks_ticket').on('tasks').column('ticket_id').execute();
    await db.schema.createIndex('audit_events_actor_time').on('audit_events').columns(['event', 'created_at']).execute();
  },
};
