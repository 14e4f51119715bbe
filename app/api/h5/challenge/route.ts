import { h5Handler, readJsonBody, str } from '../../../../lib/verification/h5/http';
import { nextChallenge } from '../../../../lib/verification/h5/attempts';
import { H5Error } from '../../../../lib/verification/h5/errors';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The next challenge, issued (and timed) by the server only once the previous one was seen in the stream. */
export const POST = (request: Request) =>
  h5Handler(request, async (ctx, token) => {
    const body = await readJsonBody(request);
    const attemptId = str(body.attemptId, 64);
    if (!attemptId) throw new H5Error('BAD_REQUEST');
    return nextChallenge(ctx, token, attemptId);
  });
