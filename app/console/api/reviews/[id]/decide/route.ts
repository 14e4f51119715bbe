import { z } from 'zod';
import { ConsoleError, consoleRoute, readJson } from '../../../../../../lib/console/http';
import { decideReview } from '../../../../../../lib/verification/review';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const body = z.object({ verdict: z.enum(['approve', 'reject']), reason: z.string().trim().min(3).max(500) }).strict();

/** Approve or reject with a reason; only the reviewer holding the claim may. */
export const POST = consoleRoute('review', async (ctx, session, request, params) => {
  const p = body.parse(await readJson(request));
  const r = await decideReview(ctx, params.id ?? '', session.operator.username, p.verdict, p.reason);
  if (!r.ok) throw new ConsoleError(r.error, r.error === 'NOT_FOUND' ? 404 : 409);
  return { ok: true, statusCode: r.statusCode };
});
