import { passThresholdForSecurityLevel, LIVENESS_THRESHOLD } from '../biometrics/scores';
import type { Db } from '../store/database';
import type { Scene } from '../store/scenes';
import { FUNNEL_STEPS } from './steps';

const DAY = 86_400_000;

export interface AnalyticsQuery {
  biz?: string;
  from: number;
  to: number;
}

function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function histogram(values: number[], lo: number, hi: number, bins: number): { from: number; to: number; count: number }[] {
  const w = (hi - lo) / bins;
  const out = Array.from({ length: bins }, (_, i) => ({ from: +(lo + i * w).toFixed(3), to: +(lo + (i + 1) * w).toFixed(3), count: 0 }));
  for (const v of values) out[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / w)))]!.count++;
  return out;
}

/**
 * Everything the analytics page shows, for one scene (or all) and a period: the funnel from the
 * page's step events, pass rate per day and failure reasons from the tasks, score distributions
 * (similarity from tasks, P(live) from the engine's audit entries) against the thresholds, time
 * per step, browsers.
 */
export async function analyticsReport(db: Db, q: AnalyticsQuery, scene: Scene | null) {
  let ev = db.selectFrom('flow_events').select(['task_id', 'step', 'ms', 'browser', 'in_app']).where('created_at', '>=', q.from).where('created_at', '<', q.to);
  if (q.biz) ev = ev.where('biz', '=', q.biz);
  const events = await ev.limit(200_000).execute();

  const reached = new Map<string, Set<string>>();
  const times = new Map<string, number[]>();
  const browsers = new Map<string, { browser: string; inApp: boolean; tasks: Set<string> }>();
  for (const e of events) {
    (reached.get(e.step) ?? reached.set(e.step, new Set()).get(e.step)!).add(e.task_id);
    if (e.ms !== null) (times.get(e.step) ?? times.set(e.step, []).get(e.step)!).push(Number(e.ms));
    const key = `${e.browser}|${e.in_app}`;
    (browsers.get(key) ?? browsers.set(key, { browser: e.browser ?? 'other', inApp: e.in_app === 1, tasks: new Set() }).get(key)!).tasks.add(e.task_id);
  }
  const funnel = FUNNEL_STEPS.map((step, i) => {
    const n = reached.get(step)?.size ?? 0;
    const prev = i === 0 ? n : (reached.get(FUNNEL_STEPS[i - 1]!)?.size ?? 0);
    return { step, reached: n, dropOff: i === 0 ? 0 : Math.max(0, prev - n) };
  });
  const stepTimes = [...times.entries()].map(([step, v]) => {
    v.sort((a, b) => a - b);
    return { step, n: v.length, p50: percentile(v, 50), p95: percentile(v, 95) };
  });

  let tq = db.selectFrom('tasks').select(['id', 'status_code', 'similarity_score', 'audit_conclusions', 'decided_at']).where('decided_at', '>=', q.from).where('decided_at', '<', q.to);
  if (q.biz) tq = tq.where('biz', '=', q.biz);
  const tasks = await tq.limit(200_000).execute();
  const days = new Map<number, { decided: number; passed: number }>();
  const reasons = new Map<string, number>();
  const similarity: number[] = [];
  for (const t of tasks) {
    const d = Math.floor(Number(t.decided_at) / DAY) * DAY;
    const day = days.get(d) ?? days.set(d, { decided: 0, passed: 0 }).get(d)!;
    day.decided++;
    if (t.status_code === 1) day.passed++;
    if (t.status_code === 2) {
      const r = (t.audit_conclusions ?? 'UNKNOWN').split(':')[0]!;
      reasons.set(r, (reasons.get(r) ?? 0) + 1);
    }
    if (t.similarity_score !== null) similarity.push(Number(t.similarity_score));
  }
  const passRate = [...days.entries()].sort(([a], [b]) => a - b).map(([d, v]) => ({ day: new Date(d).toISOString().slice(0, 10), decided: v.decided, passed: v.passed, rate: v.decided ? Math.round((v.passed / v.decided) * 1000) / 10 : 0 }));

  // P(live) per decided attempt, from the engine's audit entries (read defensively: the
  // live-capture rewrite may add or rename fields).
  let aq = db.selectFrom('audit_events').innerJoin('tasks', 'tasks.id', 'audit_events.task_id').select(['audit_events.detail']).where('audit_events.event', 'in', ['h5.passed', 'h5.failed', 'h5.attempt.failed']).where('audit_events.created_at', '>=', q.from).where('audit_events.created_at', '<', q.to);
  if (q.biz) aq = aq.where('tasks.biz', '=', q.biz);
  const liveness: number[] = [];
  for (const a of await aq.limit(50_000).execute()) {
    try {
      const v = (JSON.parse(a.detail ?? '{}') as { livenessMedian?: unknown }).livenessMedian;
      if (typeof v === 'number' && Number.isFinite(v)) liveness.push(v);
    } catch {
      /* not JSON: skip */
    }
  }
  const level = (scene?.settings.securityLevel ?? 2) as 1 | 2 | 3 | 4;
  return {
    funnel,
    passRate,
    failureReasons: [...reasons.entries()].sort((a, b) => b[1] - a[1]).map(([reason, count]) => ({ reason, count })),
    similarity: { threshold: scene ? passThresholdForSecurityLevel(level) : null, bins: histogram(similarity, 0, 100, 10), n: similarity.length },
    liveness: { threshold: scene ? (scene.settings.livenessThreshold ?? LIVENESS_THRESHOLD) : LIVENESS_THRESHOLD, bins: histogram(liveness, 0, 1, 10), n: liveness.length },
    stepTimes,
    browsers: [...browsers.values()].map((b) => ({ browser: b.browser, inApp: b.inApp, verifications: b.tasks.size })).sort((a, b) => b.verifications - a.verifications),
  };
}

export type AnalyticsReport = Awaited<ReturnType<typeof analyticsReport>>;
