import crypto from 'node:crypto';
import { z } from 'zod';
import { getAppContext } from '../../../../lib/context';
import { callApi, demoKey } from '../../../../lib/console/demo';
import { errorResponse, jsonResponse, readJson, sameOrigin, ConsoleError } from '../../../../lib/console/http';
import { DEMO_BIZ } from '../../../../lib/provisioning';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const body = z.object({ photo: z.string().regex(/^[A-Za-z0-9+/=]+$/).max(2_900_000) }).strict();

/** The demo's partner server: GetVerifyToken on the demo scene with the reference photo taken on /demo. */
export async function POST(request: Request) {
  try {
    const ctx = await getAppContext();
    if (!sameOrigin(request, ctx.config.publicUrl)) throw new ConsoleError('CSRF', 403);
    const key = await demoKey(ctx);
    if (!key) throw new ConsoleError('NOT_FOUND', 404);
    const p = body.parse(await readJson(request, 3_000_000));
    const ticket = `demo-${crypto.randomBytes(12).toString('hex')}`;
    const r = await callApi(ctx, key, 'GetVerifyToken', { Biz: DEMO_BIZ, TicketId: ticket, Binding: JSON.stringify({ Name: '演示用户', FacePic: `base64://${p.photo}` }) });
    if (!r.Success) return jsonResponse({ error: r.Code, message: r.Message }, 400);
    const back = `${ctx.config.publicUrl}/demo/result?ticket=${ticket}`;
    return jsonResponse({ ticket, url: `${r.Data.CloudauthPageUrl}&successRedirect=${encodeURIComponent(back)}&failRedirect=${encodeURIComponent(back)}`, request: { Action: 'GetVerifyToken', Biz: DEMO_BIZ, TicketId: ticket } });
  } catch (e) {
    return errorResponse(e, request);
  }
}
