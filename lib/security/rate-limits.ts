import { z } from 'zod';
import type { AppContext } from '../context';
import { RpcError } from '../rpc/errors';
import { type RateDecision, type RateLimit, RateLimiter } from './rate-limit';

/**
 * The service's rate-limit policies (settings documented in the README, "Security"):
 *   - per AccessKey on the RPC endpoint, checked right after the signature (an unauthenticated
 *     caller cannot spend someone else's allowance), answered `Throttling.User` (HTTP 400);
 *   - per verify token on the H5 endpoints, checked once in their wrapper (h5/http.ts) before
 *     any body is read. The default must let a live capture stream 10 frames/s plus its control
 *     calls through with room to spare, while a flood from one token is cut off.
 * Other protocol families call `takeRateLimit(ctx, bucket, limit)` with their own bucket prefix
 * and answer in their own vocabulary.
 */
const settingsSchema = z.object({
  CLOUDAUTH_RPC_RATE_LIMIT: z.coerce.number().min(0).default(100),
  CLOUDAUTH_RPC_RATE_BURST: z.coerce.number().int().min(1).default(200),
  CLOUDAUTH_H5_RATE_LIMIT: z.coerce.number().min(0).default(30),
  CLOUDAUTH_H5_RATE_BURST: z.coerce.number().int().min(1).default(90),
});

export interface RateLimitSettings {
  rpcPerAccessKey: RateLimit;
  h5PerToken: RateLimit;
}

export function rateLimitSettings(env: NodeJS.ProcessEnv = process.env): RateLimitSettings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid rate-limit configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  return {
    rpcPerAccessKey: { ratePerSecond: e.CLOUDAUTH_RPC_RATE_LIMIT, burst: e.CLOUDAUTH_RPC_RATE_BURST },
    h5PerToken: { ratePerSecond: e.CLOUDAUTH_H5_RATE_LIMIT, burst: e.CLOUDAUTH_H5_RATE_BURST },
  };
}

let settings: RateLimitSettings | null = null;
const limiters = new WeakMap<object, RateLimiter>();

function limiterFor(ctx: AppContext): RateLimiter {
  let l = limiters.get(ctx.db);
  if (!l) {
    l = new RateLimiter(ctx.db, ctx.dbKind);
    limiters.set(ctx.db, l);
  }
  return l;
}

export function currentRateLimits(): RateLimitSettings {
  return (settings ??= rateLimitSettings());
}

/** The shared limiter for any family: `bucket` should start with the family's own prefix. */
export function takeRateLimit(ctx: AppContext, bucket: string, limit: RateLimit, now = Date.now()): Promise<RateDecision> {
  return limiterFor(ctx).take(bucket, limit, now);
}

/** One AccessKey, one allowance, whichever protocol spends it (RPC, ACS3, FaceID); each answers in its own vocabulary. */
export function takeAccessKeyRateLimit(ctx: AppContext, accessKeyId: string, now = Date.now()): Promise<RateDecision> {
  return takeRateLimit(ctx, `rpc:${accessKeyId}`, currentRateLimits().rpcPerAccessKey, now);
}

export async function enforceRpcRateLimit(ctx: AppContext, accessKeyId: string, now = Date.now()): Promise<void> {
  const d = await takeAccessKeyRateLimit(ctx, accessKeyId, now);
  if (!d.allowed) throw new RpcError('Throttling.User', `Request was denied due to user flow control (retry after ${d.retryAfterMs} ms).`);
}

/** `tokenHash` is the stored SHA-256 of the token: raw tokens never reach the database. */
export function takeH5RateLimit(ctx: AppContext, tokenHash: string, now = Date.now()): Promise<RateDecision> {
  return takeRateLimit(ctx, `h5:${tokenHash}`, currentRateLimits().h5PerToken, now);
}
