import { RpcError } from './errors';
import { readCappedBody } from '../http/read-capped-body';
import { type Acs3Authorization, parseAcs3Authorization } from './signature-v3';

export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface RpcRequest {
  method: string;
  url: URL;
  /** Query string plus, for POST, the form body (pop-core puts everything there). */
  params: Record<string, string>;
  /** The raw body: ACS3 signs its SHA-256. */
  body: Buffer;
  /** Present when the client signed with ACS3-HMAC-SHA256 (the 2019+ SDKs). */
  acs3: Acs3Authorization | null;
  headers: Headers;
}

export async function readRpcRequest(request: Request): Promise<RpcRequest> {
  const url = new URL(request.url);
  const params: Record<string, string> = {};
  for (const [k, v] of url.searchParams) params[k] = v;
  let body: Buffer = Buffer.alloc(0);
  if (request.method === 'POST') {
    body = await readCappedBody(request, MAX_BODY_BYTES, (size) =>
      new RpcError('InvalidParameter.BodyTooLarge', `The request body ${size ? `is ${size} bytes` : 'is too large'}; the limit is ${MAX_BODY_BYTES} bytes`),
    );
    const type = request.headers.get('content-type') ?? '';
    if (body.length && !/application\/(json|octet-stream)/i.test(type)) {
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = v;
    }
  }
  const authorization = request.headers.get('authorization');
  let acs3: Acs3Authorization | null = null;
  if (authorization) {
    acs3 = parseAcs3Authorization(authorization);
    if (!acs3) throw new RpcError('IncompleteSignature', 'The Authorization header is not a valid ACS3-HMAC-SHA256 signature');
    // The newer SDKs carry the action and version in headers, not parameters.
    params.Action ??= request.headers.get('x-acs-action') ?? '';
    params.Version ??= request.headers.get('x-acs-version') ?? '';
  }
  return { method: request.method, url, params, body, acs3, headers: request.headers };
}
