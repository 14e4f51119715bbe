import { getAppContext, type AppContext } from '../../context';
import { log } from '../../log';
import { RpcError } from '../../rpc/errors';
import { ImageFieldError } from '../../verification/reference-compare';
import { apiNotFound, errorResponse, FaceIdError, faceIdRequestId, okResponse } from './errors';
import { authenticateGateway, GatewayAuthError } from './gateway-auth';
import { parseMultipart, readGatewayRequest, type GatewayRequest } from './request';
import { takeAccessKeyRateLimit } from '../../security/rate-limits';
import { faceIdSettings } from './settings';

export interface FaceIdCall {
  ctx: AppContext;
  req: GatewayRequest;
  accessKeyId: string;
  requestId: string;
  started: number;
}

/** Each endpoint names its own 403 body (seed 004: get_biz_token AUTHENTICATION_ERROR, get_result INVALID_SIGN). */
export interface FaceIdEndpoint {
  method: 'GET' | 'POST';
  authError: 'AUTHENTICATION_ERROR' | 'INVALID_SIGN';
  /** The status seed 004 gives CONCURRENCY_LIMIT_EXCEEDED on this endpoint (get_biz_token 403, get_result 429). */
  limitStatus: 403 | 429;
  run(call: FaceIdCall): Promise<Record<string, unknown>>;
}

/**
 * The whole FaceID request: method check, bounded body, gateway authentication, then the
 * endpoint. Every failure becomes one of the seed's documented errors; anything unexpected is
 * logged with the request id only (no parameters: they hold identities and faces).
 */
export async function handleFaceId(request: Request, endpoint: FaceIdEndpoint | null): Promise<Response> {
  const started = performance.now();
  const requestId = faceIdRequestId();
  try {
    // The gateway knows an API by method and path: another method is another (absent) API.
    if (!endpoint || request.method !== endpoint.method) throw apiNotFound();
    const req = await readGatewayRequest(request);
    const ctx = await getAppContext();
    let accessKeyId: string;
    try {
      accessKeyId = await authenticateGateway(ctx, req, {
        appCodeEnabled: faceIdSettings().appCodeEnabled,
        throttle: async (key) => {
          const d = await takeAccessKeyRateLimit(ctx, key);
          if (!d.allowed) throw new FaceIdError(endpoint.limitStatus, 'CONCURRENCY_LIMIT_EXCEEDED', 'rate limit of this key exceeded, retry later', Math.max(1, Math.ceil(d.retryAfterMs / 1000)));
        },
      });
    } catch (e) {
      if (!(e instanceof GatewayAuthError)) throw e;
      throw e.forbidden ? new FaceIdError(403, 'AUTHORIZATION_ERROR:APP_KEY_DISABLED', e.reason) : new FaceIdError(403, endpoint.authError, e.reason);
    }
    await parseMultipart(req);
    const body = await endpoint.run({ ctx, req, accessKeyId, requestId, started });
    log.info({ requestId, path: req.path, accessKeyId, ms: Math.round(performance.now() - started) }, 'faceid ok');
    return okResponse({ request_id: requestId, time_used: Math.round(performance.now() - started), ...body }, requestId);
  } catch (err) {
    const e = toFaceIdError(err, endpoint);
    if (e.status === 500) log.error({ requestId, err: (err as Error)?.message, stack: (err as Error)?.stack }, 'faceid internal error');
    else log.info({ requestId, error: e.error }, 'faceid rejected');
    return errorResponse(e, requestId, started);
  }
}

function toFaceIdError(err: unknown, endpoint: FaceIdEndpoint | null): FaceIdError {
  if (err instanceof FaceIdError) return err;
  if (err instanceof ImageFieldError) {
    switch (err.code) {
      case 'IMAGE_TOO_LARGE':
        return new FaceIdError(413, 'Request Entity Too Large');
      case 'IMAGE_DIMENSIONS_TOO_LARGE':
        return new FaceIdError(400, `INVALID_IMAGE_SIZE:${err.field}`);
      case 'NOT_AN_IMAGE':
        return new FaceIdError(400, `IMAGE_ERROR_UNSUPPORTED_FORMAT:${err.field}`);
      case 'BUSY':
        return new FaceIdError(endpoint?.limitStatus ?? 429, 'CONCURRENCY_LIMIT_EXCEEDED', 'face engine busy, retry', 1);
      default:
        return new FaceIdError(500, 'INTERNAL_ERROR', 'face engine unavailable');
    }
  }
  // The core validates again what the adapter checked; an image re-encoded by a rotation can still be too large.
  if (err instanceof RpcError && err.code === 'InvalidParam.ImageTooLarge') return new FaceIdError(413, 'Request Entity Too Large');
  return new FaceIdError(500, 'INTERNAL_ERROR');
}
