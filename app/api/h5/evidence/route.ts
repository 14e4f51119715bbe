import { h5Handler, readLimitedBody } from '../../../../lib/verification/h5/http';
import { putBestFrame } from '../../../../lib/verification/h5/attempts';
import { H5Error } from '../../../../lib/verification/h5/errors';
import { MAX_EVIDENCE_BYTES } from '../../../../lib/verification/h5/evidence';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** PUT /api/h5/evidence?attempt=…&seq=N: the full-resolution copy of streamed frame N (JPEG ≤ 2 MB), optional. */
export const PUT = (request: Request) =>
  h5Handler(request, async (ctx, token) => {
    const url = new URL(request.url);
    const attempt = url.searchParams.get('attempt') ?? '';
    const seq = Number(url.searchParams.get('seq'));
    if (!/^at_[0-9a-z]{9,40}$/.test(attempt)) throw new H5Error('ATTEMPT_NOT_FOUND');
    if (!Number.isInteger(seq) || seq < 0 || seq > 100_000) throw new H5Error('BAD_FRAME_INDEX');
    const data = await readLimitedBody(request, MAX_EVIDENCE_BYTES);
    return putBestFrame(ctx, token, attempt, seq, data);
  });
