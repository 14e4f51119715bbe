import { h5Handler, readLimitedBody } from '../../../../lib/verification/h5/http';
import { putEvidence } from '../../../../lib/verification/h5/attempts';
import { H5Error } from '../../../../lib/verification/h5/errors';
import { MAX_EVIDENCE_BYTES } from '../../../../lib/verification/h5/evidence';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** PUT /api/h5/evidence?attempt=…&index=N with a JPEG body (≤ 2 MB). Idempotent per index. */
export const PUT = (request: Request) =>
  h5Handler(request, async (ctx, token) => {
    const url = new URL(request.url);
    const attempt = url.searchParams.get('attempt') ?? '';
    const index = Number(url.searchParams.get('index'));
    if (!/^at_[0-9a-z]{9,40}$/.test(attempt)) throw new H5Error('ATTEMPT_NOT_FOUND');
    if (!Number.isInteger(index) || index < 0 || index > 64) throw new H5Error('BAD_FRAME_INDEX');
    const data = await readLimitedBody(request, MAX_EVIDENCE_BYTES);
    return putEvidence(ctx, token, attempt, index, data);
  });
