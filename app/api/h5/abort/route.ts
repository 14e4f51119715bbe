import { h5Handler, readJsonBody, str } from '../../../../lib/verification/h5/http';
import { abortAttempt } from '../../../../lib/verification/h5/attempts';
import { H5Error } from '../../../../lib/verification/h5/errors';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The page gave up on an attempt (align or a challenge timed out, or the user cancelled). */
export const POST = (request: Request) =>
  h5Handler(request, async (ctx, token) => {
    const body = await readJsonBody(request);
    const attemptId = str(body.attemptId, 64);
    const reason = body.reason === 'USER_CANCELLED' || body.reason === 'ALIGN_TIMEOUT' ? body.reason : 'LIVENESS_TIMEOUT';
    if (!attemptId) throw new H5Error('BAD_REQUEST');
    return abortAttempt(ctx, token, attemptId, reason);
  });
