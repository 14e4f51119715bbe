import { z } from 'zod';
import type { AppContext } from '../context';
import type { Db } from '../store/database';
import type { OperatorRole, OperatorTable } from '../store/schema';
import { recordAudit } from '../store/audit';
import { newId } from '../ids';
import { generatePassword, hashPassword } from './passwords';
import { consoleSettings } from './settings';

export const ROLES = ['admin', 'reviewer', 'viewer'] as const satisfies readonly OperatorRole[];

/** What each role may do; every console endpoint checks one of these on the server. */
export const CAN = {
  viewRecords: ['admin', 'reviewer', 'viewer'],
  viewAnalytics: ['admin', 'reviewer', 'viewer'],
  viewImages: ['admin', 'reviewer'],
  review: ['admin', 'reviewer'],
  erase: ['admin'],
  manageScenes: ['admin'],
  manageKeys: ['admin'],
  manageOperators: ['admin'],
} as const satisfies Record<string, readonly OperatorRole[]>;
export type Permission = keyof typeof CAN;

export const can = (role: OperatorRole, p: Permission): boolean => (CAN[p] as readonly string[]).includes(role);

export const operatorInputSchema = z
  .object({
    username: z.string().trim().min(3).max(64).regex(/^[A-Za-z0-9_.@-]+$/, 'letters, digits, _ . @ -'),
    role: z.enum(ROLES),
    password: z.string().min(12).max(256).optional(),
  })
  .strict();

export interface Operator {
  id: string;
  username: string;
  role: OperatorRole;
  enabled: boolean;
  lockedUntil: number | null;
  /** Locked now (computed when read). */
  locked: boolean;
  lastSignInAt: number | null;
  createdAt: number;
}

export const toOperator = (r: OperatorTable): Operator => ({ id: r.id, username: r.username, role: r.role, enabled: r.enabled === 1, lockedUntil: r.locked_until, locked: !!r.locked_until && r.locked_until > Date.now(), lastSignInAt: r.last_sign_in_at, createdAt: r.created_at });

/** Creates an operator; without a password one is generated and returned (shown once). */
export async function createOperator(db: Db, input: z.input<typeof operatorInputSchema>, actor: string): Promise<{ operator: Operator; password: string }> {
  const p = operatorInputSchema.parse(input);
  const password = p.password ?? generatePassword();
  const now = Date.now();
  const row: OperatorTable = { id: newId('op_'), username: p.username, role: p.role, password_hash: await hashPassword(password), oidc_subject: null, enabled: 1, failed_count: 0, locked_until: null, last_sign_in_at: null, created_at: now, updated_at: now };
  await db.insertInto('operators').values(row).execute();
  await recordAudit(db, { actor, event: 'operator.created', detail: { username: p.username, role: p.role } });
  return { operator: toOperator(row), password };
}

export async function listOperators(db: Db): Promise<Operator[]> {
  return (await db.selectFrom('operators').selectAll().orderBy('created_at').execute()).map(toOperator);
}

export async function countOperators(db: Db): Promise<number> {
  const r = await db.selectFrom('operators').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Role change or disable; disabling (or demoting) also ends the operator's sessions. */
export async function updateOperator(db: Db, id: string, change: { role?: OperatorRole; enabled?: boolean }, actor: string): Promise<boolean> {
  const set: Partial<OperatorTable> = { updated_at: Date.now() };
  if (change.role) set.role = change.role;
  if (change.enabled !== undefined) set.enabled = change.enabled ? 1 : 0;
  if (change.enabled) Object.assign(set, { failed_count: 0, locked_until: null });
  const r = await db.updateTable('operators').set(set).where('id', '=', id).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await db.deleteFrom('console_sessions').where('operator_id', '=', id).execute();
  await recordAudit(db, { actor, event: 'operator.updated', detail: { operatorId: id, ...change } });
  return true;
}

/**
 * On an empty operators table: create the first admin (CONSOLE_ADMIN_USER, password from
 * CONSOLE_ADMIN_PASSWORD or generated) and print it once to the terminal, like the demo key.
 */
export async function ensureFirstAdmin(ctx: AppContext): Promise<void> {
  if ((await countOperators(ctx.db)) > 0) return;
  const s = consoleSettings();
  try {
    const { password } = await createOperator(ctx.db, { username: s.adminUser, role: 'admin', password: s.adminPassword }, 'bootstrap');
    // Printed to the operator's terminal on purpose, never through the logger.
    process.stdout.write(
      ['', '=== Open Cloudauth: first console administrator created ===', `  Console  : ${ctx.config.publicUrl}/console`, `  Username : ${s.adminUser}`, `  Password : ${s.adminPassword ? '(CONSOLE_ADMIN_PASSWORD)' : password}`, ''].join('\n') + '\n',
    );
  } catch (e) {
    // Another process created it first (unique username): nothing to print here.
    if (!/unique|duplicate/i.test(String((e as Error).message)) && (e as { code?: string }).code !== '23505') throw e;
  }
}
