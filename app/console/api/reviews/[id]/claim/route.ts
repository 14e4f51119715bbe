import { ConsoleError, consoleRoute } from '../../../../../../lib/console/http';
import { claimReview } from '../../../../../../lib/verification/review';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Take a pending review (a lease): another reviewer then gets 409 CLAIMED_BY_OTHER. */
export const POST = consoleRoute('review', async (ctx, session, _r, params) => {
  const r = await claimReview(ctx, params.id ?? '', session.operator.username);
  if (!r.ok) throw new ConsoleError(r.error, r.error === 'NOT_FOUND' ? 404 : 409, r.heldBy ? { heldBy: r.heldBy } : undefined);
  return { ok: true };
});
