import { RpcError } from './errors';
import { readCappedBody } from '../http/read-capped-body';
import { mergeUnique, ParamLimitError, parseUrlEncoded, type ParamLimits } from '../http/form-params';
import { type Acs3Authorization, parseAcs3Authorization } from './signature-v3';

export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * What one RPC request may carry, checked while parsing and before any signature work. The
 * official clients send ~10 common parameters plus the action's own (SubmitMaterials: two per
 * material); names are short. A value may be as large as the body (Binding holds several images).
 */
export const RPC_PARAM_LIMITS: ParamLimits = { maxParams: 128, maxKeyLength: 128, maxValueLength: MAX_BODY_BYTES };

export interface RpcRequest {
  method: string;
  url: URL;
  /** Query string plus, for POST, the form body (pop-core puts everything there). Each key once. */
  params: Record<string, string>;
  /** The raw body: ACS3 signs its SHA-256. */
  body: Buffer;
  /** Present when the client signed with ACS3-HMAC-SHA256 (the 2019+ SDKs). */
  acs3: Acs3Authorization | null;
  headers: Headers;
}

function paramError(e: unknown): unknown {
  if (!(e instanceof ParamLimitError)) return e;
  return new RpcError('InvalidParameter', e.message);
}

export async function readRpcRequest(request: Request): Promise<RpcRequest> {
  const url = new URL(request.url);
  const params: Record<string, string> = {};
  let body: Buffer = Buffer.alloc(0);
  try {
    const q = url.search.length > 1 ? url.search.slice(1) : '';
    mergeUnique(params, await parseUrlEncoded(q, RPC_PARAM_LIMITS));
    if (request.method === 'POST') {
      body = await readCappedBody(request, MAX_BODY_BYTES, (size) =>
        new RpcError('InvalidParameter.BodyTooLarge', `The request body ${size ? `is ${size} bytes` : 'is too large'}; the limit is ${MAX_BODY_BYTES} bytes`),
      );
      const type = request.headers.get('content-type') ?? '';
      if (body.length && !/application\/(json|octet-stream)/i.test(type)) mergeUnique(params, await parseUrlEncoded(body, RPC_PARAM_LIMITS));
    }
  } catch (e) {
    throw paramError(e);
  }
  const authorization = request.headers.get('authorization');
  let acs3: Acs3Authorization | null = null;
  if (authorization) {
    acs3 = parseAcs3Authorization(authorization);
    if (!acs3) throw new RpcError('IncompleteSignature', 'The Authorization header is not a valid ACS3-HMAC-SHA256 signature');
    // The newer SDKs carry the action and version in signed headers, never as parameters: the
    // headers decide, and a parameter that says otherwise is refused (it is not signed).
    for (const [name, header] of [['Action', 'x-acs-action'], ['Version', 'x-acs-version']] as const) {
      const signed = request.headers.get(header) ?? '';
      if (params[name] !== undefined && params[name] !== signed) {
        throw new RpcError('InvalidParameter', `The parameter "${name}" does not match the ${header} header`);
      }
      params[name] = signed;
    }
  }
  return { method: request.method, url, params, body, acs3, headers: request.headers };
}
