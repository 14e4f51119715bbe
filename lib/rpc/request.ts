import { RpcError } from './errors';
import { readCappedBody } from '../http/read-capped-body';

export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** All parameters of an RPC call: query string plus, for POST, the form body (pop-core puts everything there). */
export async function readRpcParams(request: Request): Promise<Record<string, string>> {
  const url = new URL(request.url);
  const params: Record<string, string> = {};
  for (const [k, v] of url.searchParams) params[k] = v;
  if (request.method === 'POST') {
    const body = await readCappedBody(request, MAX_BODY_BYTES, (size) =>
      new RpcError('InvalidParameter.BodyTooLarge', `The request body ${size ? `is ${size} bytes` : 'is too large'}; the limit is ${MAX_BODY_BYTES} bytes`),
    );
    const type = request.headers.get('content-type') ?? '';
    if (body.length && !/application\/json/i.test(type)) {
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = v;
    }
  }
  return params;
}
