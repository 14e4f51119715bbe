import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AppContext } from '../../context';
import type { CallbackOutboxTable } from '../../store/schema';
import { recordAudit } from '../../store/audit';
import { getScene } from '../../store/scenes';
import { openString } from '../../security/aead';
import { resolveOutboundHost, urlHost } from '../../security/outbound-address';
import { log } from '../../log';
import { countCallbackAttempt, type CallbackFailureKind } from '../../console/metrics';
import { CALLBACK_SECRET_PARAM } from '../../protocols/callback-formats';
import { checkCallbackUrl, type CallbackProtocol } from './targets';
import { backoffMs, callbackSettings, type CallbackSettings } from './settings';

/** Header names of our own signature (README "Callbacks"). */
export const SIGNATURE_HEADERS = { delivery: 'x-cloudauth-delivery', timestamp: 'x-cloudauth-timestamp', keyId: 'x-cloudauth-accesskeyid', signature: 'x-cloudauth-signature' } as const;

/** HMAC-SHA256 (hex) with the AccessKey secret over "<timestamp>\n<delivery id>\n<full URL>": what a partner recomputes. */
export function callbackSignature(secret: string, timestamp: string, deliveryId: string, url: string): string {
  return crypto.createHmac('sha256', secret).update(`${timestamp}\n${deliveryId}\n${url}`).digest('hex');
}

type AttemptResult = { ok: true; status: number } | { ok: false; status?: number; error: string; permanent?: boolean };

/** One GET to the pinned address: no redirects followed, the whole answer within the time limit, the body drained and dropped. */
async function get(url: URL, headers: Record<string, string>, privateNetworks: readonly string[], timeoutMs: number): Promise<AttemptResult> {
  const resolved = await resolveOutboundHost(urlHost(url), privateNetworks);
  if (!resolved.ok) return resolved.why === 'private' ? { ok: false, error: 'private_address', permanent: true } : { ok: false, error: 'unresolvable' };
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const req = (url.protocol === 'https:' ? https.get : http.get)(url, { lookup: resolved.lookup, signal, headers }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (bytes > 64 * 1024) res.destroy();
        });
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('close', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
    if (status >= 200 && status < 300) return { ok: true, status };
    return { ok: false, status, error: status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}` };
  } catch (e) {
    return { ok: false, error: signal.aborted ? `no answer within ${timeoutMs} ms` : ((e as NodeJS.ErrnoException).code ?? (e as Error).name ?? 'network error') };
  }
}

/** The metrics label of a failed attempt: refused (nothing sent, never retried), the partner's HTTP status class, or no usable answer. */
function failureKind(r: Extract<AttemptResult, { ok: false }>): CallbackFailureKind {
  if (r.permanent) return 'refused';
  if (r.status && r.status >= 300 && r.status < 400) return 'http_3xx';
  if (r.status && r.status >= 400 && r.status < 500) return 'http_4xx';
  if (r.status && r.status >= 500 && r.status < 600) return 'http_5xx';
  return 'network';
}

/** Delivers one claimed row: re-checks the URL against the scene and the address rules, signs, sends, records the attempt. */
async function deliver(ctx: AppContext, row: CallbackOutboxTable, s: CallbackSettings): Promise<void> {
  const target = await ctx.db.selectFrom('callback_targets').selectAll().where('task_id', '=', row.task_id).executeTakeFirst();
  const task = await ctx.db.selectFrom('tasks').select(['biz']).where('id', '=', row.task_id).executeTakeFirst();
  const scene = task ? await getScene(ctx.db, task.biz) : null;
  const attempt = row.attempts + 1;
  const started = Date.now();
  let result: AttemptResult;
  let url: URL | null = null;
  const allowed = await checkCallbackUrl(row.url, scene?.settings.callbackOrigins ?? [], ctx.config.fetchPrivateNetworks);
  if (!allowed.ok) {
    // The scene no longer lists the origin, or the host now points inside: nothing is sent, ever.
    result = { ok: false, error: allowed.problem, permanent: allowed.problem !== 'unresolvable' };
  } else {
    url = new URL(allowed.url);
    for (const [k, v] of Object.entries(JSON.parse(row.params) as Record<string, string>)) url.searchParams.set(k, v);
    if (target?.secret_enc) url.searchParams.set(CALLBACK_SECRET_PARAM[target.protocol as CallbackProtocol], openString(ctx.keys.identity, target.secret_enc, `callback:${row.task_id}`));
    const timestamp = String(Date.now());
    const headers: Record<string, string> = { accept: '*/*', 'user-agent': 'open-cloudauth-callback/1', [SIGNATURE_HEADERS.delivery]: row.id, [SIGNATURE_HEADERS.timestamp]: timestamp };
    const key = target ? await ctx.accessKeys.lookup(target.access_key_id) : null;
    if (key && target) {
      headers[SIGNATURE_HEADERS.keyId] = target.access_key_id;
      headers[SIGNATURE_HEADERS.signature] = callbackSignature(key.secret, timestamp, row.id, url.toString());
    }
    result = await get(url, headers, ctx.config.fetchPrivateNetworks, s.timeoutMs);
  }
  const now = Date.now();
  const detail = { deliveryId: row.id, attempt, origin: url?.origin ?? null, ok: result.ok, status: result.status ?? null, error: result.ok ? null : result.error, ms: now - started };
  if (result.ok) {
    await ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable('callback_outbox').set({ state: 'delivered', attempts: attempt, delivered_at: now, locked_until: null, last_error: null }).where('id', '=', row.id).execute();
      await recordAudit(trx, { taskId: row.task_id, actor: 'callback', event: 'callback.attempt', detail });
      await recordAudit(trx, { taskId: row.task_id, actor: 'callback', event: 'callback.delivered', detail: { deliveryId: row.id, attempts: attempt } });
    });
    // Counted once the attempt is stored: a rolled-back write leaves the row to be tried again.
    countCallbackAttempt('delivered');
    return;
  }
  const next = now + backoffMs(attempt, s);
  const giveUp = result.permanent || next > row.created_at + s.retryMs;
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('callback_outbox')
      .set({ state: giveUp ? 'abandoned' : 'pending', attempts: attempt, next_attempt_at: giveUp ? row.next_attempt_at : next, locked_until: null, last_error: result.ok ? null : result.error })
      .where('id', '=', row.id)
      .execute();
    await recordAudit(trx, { taskId: row.task_id, actor: 'callback', event: 'callback.attempt', detail: { ...detail, nextAttemptAt: giveUp ? null : next } });
    if (giveUp) await recordAudit(trx, { taskId: row.task_id, actor: 'callback', event: result.permanent ? 'callback.refused' : 'callback.abandoned', detail: { deliveryId: row.id, attempts: attempt, reason: result.ok ? null : result.error } });
  });
  countCallbackAttempt(failureKind(result));
}

/**
 * Works off the due rows once: each is claimed with a conditional update (so several processes
 * on one database never deliver the same row at once), then delivered. Returns how many were tried.
 */
export async function dispatchDueCallbacks(ctx: AppContext, now = Date.now(), s = callbackSettings()): Promise<number> {
  const due = await ctx.db
    .selectFrom('callback_outbox')
    .selectAll()
    .where('state', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .orderBy('next_attempt_at')
    .limit(20)
    .execute();
  let tried = 0;
  await Promise.all(
    due.map(async (row) => {
      const claim = await ctx.db
        .updateTable('callback_outbox')
        .set({ locked_until: now + s.timeoutMs + 10_000 })
        .where('id', '=', row.id)
        .where('state', '=', 'pending')
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .executeTakeFirst();
      if (Number(claim.numUpdatedRows) !== 1) return;
      tried++;
      await deliver(ctx, row, s).catch((e: unknown) => log.error({ err: (e as Error).message, deliveryId: row.id }, 'callback delivery failed to run'));
    }),
  );
  return tried;
}

const g = globalThis as unknown as { __cloudauthCallbacks?: NodeJS.Timeout };

/** Started with the server (instrumentation.ts): rows left by a crash or a restart are picked up again. */
export function scheduleCallbackDispatcher(ctx: AppContext): void {
  if (g.__cloudauthCallbacks) return;
  const s = callbackSettings();
  let running = false;
  g.__cloudauthCallbacks = setInterval(() => {
    if (running) return;
    running = true;
    dispatchDueCallbacks(ctx, Date.now(), s)
      .catch((e: unknown) => log.error({ err: (e as Error).message }, 'callback dispatcher failed'))
      .finally(() => (running = false));
  }, s.pollMs);
  g.__cloudauthCallbacks.unref();
}
