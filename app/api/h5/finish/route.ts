import { h5Handler, readJsonBody, str } from '../../../../lib/verification/h5/http';
import { finishAttempt } from '../../../../lib/verification/h5/attempts';
import { H5Error } from '../../../../lib/verification/h5/errors';
import { verifyStream } from '../../../../lib/verification/h5/verify';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The server re-verifies the stream and decides; the outcome is stored before it is answered. */
export const POST = (request: Request) =>
  h5Handler(request, async (ctx, token) => {
    const body = await readJsonBody(request);
    const attemptId = str(body.attemptId, 64);
    if (!attemptId) throw new H5Error('BAD_REQUEST');
    const bestSeq = Number.isInteger(body.bestSeq) && (body.bestSeq as number) >= 0 ? (body.bestSeq as number) : null;
    return finishAttempt(ctx, token, attemptId, { bestSeq }, verifyStream);
  });
