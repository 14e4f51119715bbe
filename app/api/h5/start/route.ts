import { h5Handler, readJsonBody, str } from '../../../../lib/verification/h5/http';
import { startAttempt } from '../../../../lib/verification/h5/attempts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Starts an attempt once the camera delivers frames; counts against the scene's maxAttempts. */
export const POST = (request: Request) =>
  h5Handler(request, async (ctx, token) => {
    const body = await readJsonBody(request);
    return startAttempt(ctx, token, { successRedirect: str(body.successRedirect), failRedirect: str(body.failRedirect), camera: body.camera });
  });
