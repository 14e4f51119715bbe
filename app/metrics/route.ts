import crypto from 'node:crypto';
import { getAppContext } from '../../lib/context';
import { metrics, registerGauge } from '../../lib/console/metrics';
import { consoleSettings } from '../../lib/console/settings';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const ENGINE_KEY = Symbol.for('open-cloudauth.biometrics.engine');

/** Prometheus text format, only with `Authorization: Bearer $METRICS_TOKEN`; 404 when unset. */
export async function GET(request: Request) {
  const token = consoleSettings().metricsToken;
  if (!token) return new Response('Not found.\n', { status: 404, headers: { 'content-type': 'text/plain' } });
  const given = Buffer.from(request.headers.get('authorization')?.replace(/^Bearer\s+/i, '') ?? '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    return new Response('Unauthorized.\n', { status: 401, headers: { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' } });
  }
  const ctx = await getAppContext();
  registerGauge('cloudauth_engine_queue_depth', 'Face analyses waiting for a worker (this process)', async () => {
    // Read the engine only if it was started: a scrape must not start the face models.
    const engine = await ((globalThis as Record<symbol, unknown>)[ENGINE_KEY] as Promise<{ pool?: { waiting: number } }> | undefined)?.catch(() => null);
    return engine?.pool?.waiting ?? 0;
  });
  registerGauge('cloudauth_reviews_pending', 'Records waiting for manual review', async () => {
    const r = await ctx.db.selectFrom('reviews').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'pending').executeTakeFirstOrThrow();
    return Number(r.n);
  });
  // From the shared table at scrape time, not a per-process count: several instances on one
  // database enqueue and deliver each other's rows, and every scrape must see the same backlog.
  registerGauge('cloudauth_callback_outbox_depth', 'Callbacks waiting for delivery (due or backing off after a failed attempt), all instances', async () => {
    const r = await ctx.db.selectFrom('callback_outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'pending').executeTakeFirstOrThrow();
    return Number(r.n);
  });
  const m = metrics();
  return new Response(await m.registry.metrics(), { headers: { 'content-type': m.registry.contentType, 'cache-control': 'no-store' } });
}
