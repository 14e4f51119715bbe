import { z } from 'zod';
import type { AppContext } from '../context';
import { newId } from '../ids';
import { resolveToken } from '../verification/tokens';
import { FLOW_STEPS } from './steps';

/** Per verification: enough for every step of several attempts; beyond it events are dropped. */
export const MAX_EVENTS_PER_TASK = 300;

export const eventsBodySchema = z
  .object({
    events: z
      .array(
        z
          .object({
            step: z.enum(FLOW_STEPS),
            ms: z.number().min(0).max(3_600_000).optional(),
            // Codes only (error codes, action names, outcome:reason): never free text.
            code: z.string().regex(/^[A-Za-z0-9_:.-]{1,64}$/).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(20),
  })
  .strict();

/**
 * Browser family and in-app webview from the User-Agent; the UA itself is not stored (it is a
 * fingerprinting aid, and the analytics need only the family).
 */
export function browserOf(ua: string): { browser: string; inApp: boolean } {
  const inApps: [RegExp, string][] = [[/MicroMessenger/i, 'WeChat'], [/AlipayClient/i, 'Alipay'], [/DingTalk/i, 'DingTalk'], [/\bQQ\//i, 'QQ'], [/Weibo/i, 'Weibo'], [/FBAN|FBAV/i, 'Facebook'], [/Instagram/i, 'Instagram'], [/\bLine\//i, 'LINE'], [/; wv\)/i, 'Android WebView']];
  for (const [re, name] of inApps) if (re.test(ua)) return { browser: name, inApp: true };
  const browsers: [RegExp, string][] = [[/Edg\//, 'Edge'], [/SamsungBrowser/, 'Samsung Internet'], [/UCBrowser/, 'UC'], [/HuaweiBrowser/, 'Huawei'], [/MiuiBrowser/, 'MIUI'], [/Firefox\//, 'Firefox'], [/HeadlessChrome/, 'Chrome (headless)'], [/Chrome\/|CriOS/, 'Chrome'], [/Safari\//, 'Safari']];
  for (const [re, name] of browsers) if (re.test(ua)) return { browser: name, inApp: false };
  return { browser: 'other', inApp: false };
}

/**
 * Stores the page's step events for the token's task. Token-bound (a decided or expired token may
 * still report its last steps, an unknown or superseded one may not), no images, no personal data.
 */
export async function recordFlowEvents(ctx: AppContext, token: string, body: unknown, userAgent: string): Promise<{ stored: number } | { error: 'TOKEN_UNKNOWN' | 'BAD_REQUEST' }> {
  const parsed = eventsBodySchema.safeParse(body);
  if (!parsed.success) return { error: 'BAD_REQUEST' };
  const r = await resolveToken(ctx.db, token);
  if (!r.task || r.state === 'unknown' || r.state === 'superseded') return { error: 'TOKEN_UNKNOWN' };
  const have = await ctx.db.selectFrom('flow_events').select((eb) => eb.fn.countAll<number>().as('n')).where('task_id', '=', r.task.id).executeTakeFirstOrThrow();
  const room = Math.max(0, MAX_EVENTS_PER_TASK - Number(have.n));
  const events = parsed.data.events.slice(0, room);
  if (!events.length) return { stored: 0 };
  const { browser, inApp } = browserOf(userAgent.slice(0, 512));
  const now = Date.now();
  await ctx.db
    .insertInto('flow_events')
    .values(events.map((e, i) => ({ id: newId('fe_'), task_id: r.task!.id, biz: r.task!.biz, step: e.step, ms: e.ms ?? null, code: e.code ?? null, browser, in_app: inApp ? 1 : 0, created_at: now + i })))
    .execute();
  return { stored: events.length };
}
