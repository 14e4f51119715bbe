import { z } from 'zod';

/** Console settings (environment variables; each is listed in README.md with its default). */
const schema = z.object({
  CONSOLE_ADMIN_USER: z.string().min(3).max(64).regex(/^[A-Za-z0-9_.@-]+$/).default('admin'),
  CONSOLE_ADMIN_PASSWORD: z.string().min(12).max(256).optional(),
  CONSOLE_SESSION_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  CONSOLE_IDLE_MINUTES: z.coerce.number().positive().max(24 * 60).default(60),
  CONSOLE_LOCKOUT_THRESHOLD: z.coerce.number().int().min(1).max(100).default(5),
  CONSOLE_LOCKOUT_MINUTES: z.coerce.number().min(0).max(24 * 60).default(15),
  CONSOLE_SIGNIN_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  CONSOLE_REVIEW_LEASE_MINUTES: z.coerce.number().positive().max(24 * 60).default(10),
  CONSOLE_KEY_ROTATION_GRACE_HOURS: z.coerce.number().min(0).max(24 * 90).default(24),
  CLOUDAUTH_DEMO_PAGE: z.enum(['0', '1']).default('1'),
  METRICS_TOKEN: z.string().min(16).max(256).optional(),
});

export interface ConsoleSettings {
  adminUser: string;
  adminPassword: string | undefined;
  sessionMs: number;
  idleMs: number;
  lockoutThreshold: number;
  lockoutMs: number;
  signInPerMinute: number;
  reviewLeaseMs: number;
  keyRotationGraceMs: number;
  demoPage: boolean;
  /** Bearer token for /metrics; unset = /metrics answers 404. */
  metricsToken: string | undefined;
}

let cached: ConsoleSettings | undefined;

export function consoleSettings(env: NodeJS.ProcessEnv = process.env): ConsoleSettings {
  if (cached && env === process.env) return cached;
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) throw new Error(`Invalid console configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  const s: ConsoleSettings = {
    adminUser: e.CONSOLE_ADMIN_USER,
    adminPassword: e.CONSOLE_ADMIN_PASSWORD,
    sessionMs: e.CONSOLE_SESSION_HOURS * 3600_000,
    idleMs: e.CONSOLE_IDLE_MINUTES * 60_000,
    lockoutThreshold: e.CONSOLE_LOCKOUT_THRESHOLD,
    lockoutMs: e.CONSOLE_LOCKOUT_MINUTES * 60_000,
    signInPerMinute: e.CONSOLE_SIGNIN_PER_MINUTE,
    reviewLeaseMs: e.CONSOLE_REVIEW_LEASE_MINUTES * 60_000,
    keyRotationGraceMs: e.CONSOLE_KEY_ROTATION_GRACE_HOURS * 3600_000,
    demoPage: e.CLOUDAUTH_DEMO_PAGE === '1',
    metricsToken: e.METRICS_TOKEN,
  };
  if (env === process.env) cached = s;
  return s;
}
