import client from 'prom-client';

/**
 * Prometheus metrics (prom-client). The registry lives on globalThis: the RPC fast path
 * (scripts/serve.mjs) and Next's route bundles load this module separately in one process, and
 * both must count into the same registry.
 */
interface Metrics {
  registry: client.Registry;
  rpcRequests: client.Counter<'action' | 'code'>;
  rpcSeconds: client.Histogram<'action'>;
  decisions: client.Counter<'reason'>;
  engineSeconds: client.Histogram<'lane'>;
  callbackFailures: client.Counter<'kind'>;
  callbacksDelivered: client.Counter;
  gauges: Map<string, () => Promise<number> | number>;
}

const g = globalThis as unknown as { __cloudauthMetrics?: Metrics };

function create(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'cloudauth_process_' });
  const gauges = new Map<string, () => Promise<number> | number>();
  return {
    registry,
    gauges,
    rpcRequests: new client.Counter({ name: 'cloudauth_rpc_requests_total', help: 'RPC requests by action and result code', labelNames: ['action', 'code'], registers: [registry] }),
    rpcSeconds: new client.Histogram({ name: 'cloudauth_rpc_duration_seconds', help: 'RPC latency by action', labelNames: ['action'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] }),
    decisions: new client.Counter({ name: 'cloudauth_decisions_total', help: 'Verification decisions by reason (PASS, failure reason codes, MANUAL_APPROVED/REJECTED)', labelNames: ['reason'], registers: [registry] }),
    // The worker's own time per analysis (decode, detection, models), not the queue wait: how long
    // the engine takes is what sizes BIOMETRICS_CONCURRENCY; the waiting shows in the queue depth.
    engineSeconds: new client.Histogram({ name: 'cloudauth_engine_analysis_seconds', help: 'Face analysis time in a worker thread by lane (interactive: a person at the camera; batch: partner API calls)', labelNames: ['lane'], buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry] }),
    // Attempts, not deliveries: a partner answering 500 for an hour counts every retry, which is
    // what an alert on "the partner's endpoint is failing" wants. The outbox depth (a gauge read
    // from the database, app/metrics/route.ts) says how much is still waiting.
    callbackFailures: new client.Counter({ name: 'cloudauth_callback_failures_total', help: 'Failed callback delivery attempts by kind (http_3xx/http_4xx/http_5xx: the partner answered so; network: no answer, timeout or unresolvable host; refused: not sent, the address or origin is no longer allowed)', labelNames: ['kind'], registers: [registry] }),
    callbacksDelivered: new client.Counter({ name: 'cloudauth_callbacks_delivered_total', help: 'Callbacks delivered (the partner answered 2xx)', registers: [registry] }),
  };
}

export const metrics = (): Metrics => (g.__cloudauthMetrics ??= create());

/** One RPC answered (called by lib/rpc/handle-rpc.ts). `action` is bounded by the action table. */
export function observeRpc(action: string, code: string, seconds: number): void {
  const m = metrics();
  m.rpcRequests.inc({ action, code });
  m.rpcSeconds.observe({ action }, seconds);
}

export function countDecision(reason: string): void {
  // Reason codes carry a suffix (LIVENESS_ACTION_NOT_DETECTED:blink): keep the label set bounded.
  metrics().decisions.inc({ reason: reason.split(':')[0]!.slice(0, 64) });
}

/** One face analysis finished in the worker pool (lib/biometrics/engine.ts); `lane` is interactive or batch. */
export function observeAnalysis(lane: string, seconds: number): void {
  metrics().engineSeconds.observe({ lane }, seconds);
}

/** Why a callback attempt failed, as a bounded label (lib/verification/callbacks/dispatcher.ts classifies). */
export type CallbackFailureKind = 'http_3xx' | 'http_4xx' | 'http_5xx' | 'network' | 'refused';

/** One callback delivery attempt recorded by the outbox worker: delivered, or failed for `kind`. */
export function countCallbackAttempt(outcome: 'delivered' | CallbackFailureKind): void {
  const m = metrics();
  if (outcome === 'delivered') m.callbacksDelivered.inc();
  else m.callbackFailures.inc({ kind: outcome });
}

/** A gauge read at scrape time (engine queue depth, outbox depth…), registered once by name. */
export function registerGauge(name: string, help: string, read: () => Promise<number> | number): void {
  const m = metrics();
  if (m.gauges.has(name)) {
    m.gauges.set(name, read);
    return;
  }
  m.gauges.set(name, read);
  new client.Gauge({
    name,
    help,
    registers: [m.registry],
    async collect() {
      try {
        this.set(await m.gauges.get(name)!());
      } catch {
        this.set(Number.NaN);
      }
    },
  });
}
