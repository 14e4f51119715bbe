import { z } from 'zod';

/** Callback delivery settings (README "Settings"): read once per process. */
const schema = z.object({
  CLOUDAUTH_CALLBACK_RETRY_HOURS: z.coerce.number().min(0).max(24 * 30).default(24),
  CLOUDAUTH_CALLBACK_BASE_DELAY_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
  CLOUDAUTH_CALLBACK_MAX_DELAY_MS: z.coerce.number().int().min(10).max(24 * 3_600_000).default(1_800_000),
  CLOUDAUTH_CALLBACK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  CLOUDAUTH_CALLBACK_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
});

export interface CallbackSettings {
  /** A decision is retried this long after it was made, then abandoned (audited). */
  retryMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  pollMs: number;
}

let cached: CallbackSettings | undefined;

export function callbackSettings(env: NodeJS.ProcessEnv = process.env): CallbackSettings {
  if (cached && env === process.env) return cached;
  const e = schema.parse(env);
  const s = { retryMs: e.CLOUDAUTH_CALLBACK_RETRY_HOURS * 3_600_000, baseDelayMs: e.CLOUDAUTH_CALLBACK_BASE_DELAY_MS, maxDelayMs: e.CLOUDAUTH_CALLBACK_MAX_DELAY_MS, timeoutMs: e.CLOUDAUTH_CALLBACK_TIMEOUT_MS, pollMs: e.CLOUDAUTH_CALLBACK_POLL_MS };
  if (env === process.env) cached = s;
  return s;
}

/** Delay before attempt n+1 after n failed attempts: base·2^(n-1), capped. */
export function backoffMs(failedAttempts: number, s: Pick<CallbackSettings, 'baseDelayMs' | 'maxDelayMs'>): number {
  return Math.min(s.maxDelayMs, s.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
}
