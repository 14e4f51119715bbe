const DAY = 86_400_000;
const isDay = (s: unknown): s is string => typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));

/** Period from query parameters: from/to days (UTC, inclusive), default the last 7 days; biz optional. */
export function periodOf(sp: Record<string, string | string[] | undefined>, now = Date.now()) {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const to = isDay(one(sp.to)) ? Date.parse(one(sp.to)!) + DAY : Math.floor(now / DAY) * DAY + DAY;
  const from = isDay(one(sp.from)) ? Date.parse(one(sp.from)!) : to - 7 * DAY;
  const biz = one(sp.biz);
  return { from, to, biz: biz && biz.length <= 64 ? biz : undefined, fromDay: new Date(from).toISOString().slice(0, 10), toDay: new Date(to - DAY).toISOString().slice(0, 10) };
}
