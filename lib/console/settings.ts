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
  CONSOLE_OIDC_ISSUER: z.url().optional(),
  CONSOLE_OIDC_CLIENT_ID: z.string().min(1).max(256).optional(),
  CONSOLE_OIDC_CLIENT_SECRET: z.string().min(1).max(1024).optional(),
  CONSOLE_OIDC_SCOPE: z.string().min(6).max(512).default('openid email profile'),
  CONSOLE_OIDC_USERNAME_CLAIM: z.string().min(1).max(64).default('email'),
  CONSOLE_OIDC_DEFAULT_ROLE: z.enum(['admin', 'reviewer', 'viewer']).optional(),
  CONSOLE_OIDC_LABEL: z.string().min(1).max(64).default('SSO'),
});

export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Unset: a public client (PKCE only, no client authentication). */
  clientSecret: string | undefined;
  scope: string;
  usernameClaim: string;
  /** Unset: only existing operators may sign in with OIDC. */
  defaultRole: 'admin' | 'reviewer' | 'viewer' | undefined;
  /** The sign-in button's text. */
  label: string;
}

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
  /** Set when CONSOLE_OIDC_ISSUER is. */
  oidc: OidcSettings | undefined;
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
    oidc: e.CONSOLE_OIDC_ISSUER
      ? { issuer: e.CONSOLE_OIDC_ISSUER, clientId: e.CONSOLE_OIDC_CLIENT_ID ?? '', clientSecret: e.CONSOLE_OIDC_CLIENT_SECRET, scope: e.CONSOLE_OIDC_SCOPE, usernameClaim: e.CONSOLE_OIDC_USERNAME_CLAIM, defaultRole: e.CONSOLE_OIDC_DEFAULT_ROLE, label: e.CONSOLE_OIDC_LABEL }
      : undefined,
  };
  if (s.oidc && !s.oidc.clientId) throw new Error('Invalid console configuration: CONSOLE_OIDC_CLIENT_ID is required with CONSOLE_OIDC_ISSUER');
  if (s.oidc && !s.oidc.scope.split(/\s+/).includes('openid')) throw new Error('Invalid console configuration: CONSOLE_OIDC_SCOPE must include openid');
  if (env === process.env) cached = s;
  return s;
}
