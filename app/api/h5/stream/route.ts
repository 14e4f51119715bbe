import { h5Handler, readLimitedBody } from '../../../../lib/verification/h5/http';
import { putStream } from '../../../../lib/verification/h5/attempts';
import { H5Error } from '../../../../lib/verification/h5/errors';
import { STREAM_LIMITS } from '../../../../lib/verification/h5/stream';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** POST /api/h5/stream?attempt=… — one batch of live frames (see lib/verification/h5/stream.ts for the format). */
export const POST = (request: Request) => {
  // Stamped when the request arrived, before its body is read or the token checked.
  const arrivedAt = Date.now();
  return h5Handler(request, async (ctx, token) => {
    const attempt = new URL(request.url).searchParams.get('attempt') ?? '';
    if (!/^at_[0-9a-z]{9,40}$/.test(attempt)) throw new H5Error('ATTEMPT_NOT_FOUND');
    const body = await readLimitedBody(request, STREAM_LIMITS.maxBatchBytes);
    return putStream(ctx, token, attempt, body, arrivedAt);
  });
};
