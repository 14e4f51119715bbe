import { sql } from 'kysely';
import type { Db, DbKind } from '../store/database';

/**
 * A rate limit shared by every instance on one database (SQLite file or PostgreSQL), as one
 * atomic statement per request: GCRA (the "generic cell rate algorithm"), i.e. a token bucket
 * that stores only its next theoretical arrival time (TAT). `ratePerSecond` requests are allowed
 * sustained, up to `burst` at once after a quiet period.
 *
 * Why the database and not Redis: the embedded default is one SQLite file and several processes
 * (WEB_CONCURRENCY) already share it; several instances always share one database (the
 * nonces, tokens and tasks are there), so a limit kept there holds across all of them with no
 * new service to run or secure. The RPC path already writes one nonce row per request; the
 * limiter adds one upsert of similar cost (bench/RESULTS.md). Redis would be faster per call but
 * is not part of the embedded default, and a limiter that silently stops limiting when an
 * optional service is missing is worse than one that costs a row write.
 */
export interface RateLimit {
  /** Sustained requests per second; 0 switches the limit off. */
  ratePerSecond: number;
  /** Requests allowed at once (bucket depth), ≥ 1. */
  burst: number;
}

export interface RateDecision {
  allowed: boolean;
  /** When refused: milliseconds until one request would be allowed again. */
  retryAfterMs: number;
}

const ALLOWED: RateDecision = { allowed: true, retryAfterMs: 0 };

export class RateLimiter {
  private lastPurge = 0;
  /** Buckets this process saw refused, and until when (ms) the answer cannot change. */
  private readonly refusedUntil = new Map<string, number>();
  constructor(
    private readonly db: Db,
    private readonly kind: DbKind,
  ) {}

  /** Takes `cost` requests' worth from `bucket`; nothing is taken when refused. */
  async take(bucket: string, limit: RateLimit, nowMs = Date.now(), cost = 1): Promise<RateDecision> {
    if (!(limit.ratePerSecond > 0)) return ALLOWED;
    const until = this.refusedUntil.get(bucket);
    if (until !== undefined) {
      if (nowMs < until) return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(until - nowMs)) };
      this.refusedUntil.delete(bucket);
    }
    const now = Math.round(nowMs * 1000);
    const inc = Math.max(1, Math.round((1e6 / limit.ratePerSecond) * cost));
    // The bucket is full (burst requests allowed) when TAT <= now; each request moves TAT by
    // one interval; a request is refused when it would push TAT beyond burst intervals ahead.
    const tolerance = Math.round((1e6 / limit.ratePerSecond) * Math.max(1, limit.burst));
    const greatest = sql.raw(this.kind === 'postgres' ? 'GREATEST' : 'MAX');
    const nowP = sql`CAST(${now} AS bigint)`;
    const incP = sql`CAST(${inc} AS bigint)`;
    const tolP = sql`CAST(${tolerance} AS bigint)`;
    const r = await sql<{ tat_us: number }>`
      INSERT INTO rate_limits (bucket, tat_us) VALUES (${bucket}, ${nowP} + ${incP})
      ON CONFLICT (bucket) DO UPDATE SET tat_us = ${greatest}(rate_limits.tat_us, ${nowP}) + ${incP}
        WHERE ${greatest}(rate_limits.tat_us, ${nowP}) + ${incP} - ${nowP} <= ${tolP}
      RETURNING tat_us`.execute(this.db);
    this.maybePurge(nowMs);
    if (r.rows.length > 0) return ALLOWED;
    // The stored TAT was set by an allowed request, so TAT ≤ now + tolerance and the wait is at
    // most one interval: refuse locally for that long instead of asking the database again, so a
    // flood costs one statement per interval and process, not one per request.
    const retryAfterMs = Math.max(1, Math.ceil(inc / 1000));
    if (this.refusedUntil.size > 10_000) this.refusedUntil.clear();
    this.refusedUntil.set(bucket, nowMs + retryAfterMs);
    return { allowed: false, retryAfterMs };
  }

  /** Idle buckets (TAT more than an hour in the past) carry no state worth keeping. */
  private maybePurge(nowMs: number): void {
    if (nowMs - this.lastPurge < 60_000) return;
    this.lastPurge = nowMs;
    const cutoff = Math.round((nowMs - 3_600_000) * 1000);
    void this.db.deleteFrom('rate_limits').where('tat_us', '<', cutoff).execute().catch(() => undefined);
  }
}
