import { RpcError } from './errors';

export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** All parameters of an RPC call: query string plus, for POST, the form body (pop-core puts everything there). */
export async function readRpcParams(request: Request): Promise<Record<string, string>> {
  const url = new URL(request.url);
  const params: Record<string, string> = {};
  for (const [k, v] of url.searchParams) params[k] = v;
  if (request.method === 'POST') {
    const declared = Number(request.headers.get('content-length') ?? 0);
    if (declared > MAX_BODY_BYTES) throw new RpcError('InvalidParameter.BodyTooLarge', `The request body is ${declared} bytes; the limit is ${MAX_BODY_BYTES} bytes`);
    const body = await readCapped(request);
    const type = request.headers.get('content-type') ?? '';
    if (body.length && !/application\/json/i.test(type)) {
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = v;
    }
  }
  return params;
}

async function readCapped(request: Request): Promise<Buffer> {
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new RpcError('InvalidParameter.BodyTooLarge', `The request body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
