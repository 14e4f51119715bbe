import { getAppContext } from '../../../../lib/context';
import { readCappedBody } from '../../../../lib/http/read-capped-body';
import { recordFlowEvents } from '../../../../lib/analytics/events';
import { log } from '../../../../lib/log';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const reply = (body: unknown, status: number) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
class TooLarge extends Error {}

/** The verify page's step events (flow analytics). Token in x-verify-token; body ≤ 8 KB. */
export async function POST(request: Request) {
  try {
    const token = request.headers.get('x-verify-token') ?? '';
    if (!token) return reply({ error: 'TOKEN_UNKNOWN' }, 404);
    const buf = await readCappedBody(request, 8192, () => new TooLarge());
    let body: unknown;
    try {
      body = JSON.parse(buf.toString('utf8'));
    } catch {
      return reply({ error: 'BAD_REQUEST' }, 400);
    }
    const r = await recordFlowEvents(await getAppContext(), token, body, request.headers.get('user-agent') ?? '');
    if ('error' in r) return reply(r, r.error === 'BAD_REQUEST' ? 400 : 404);
    return reply(r, 200);
  } catch (e) {
    if (e instanceof TooLarge) return reply({ error: 'BAD_REQUEST' }, 413);
    log.error({ err: (e as Error).message }, 'flow events failed');
    return reply({ error: 'SERVER_ERROR' }, 500);
  }
}
