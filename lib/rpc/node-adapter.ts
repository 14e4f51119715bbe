import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { handleRpc } from './handle-rpc';

/** Same routing rule as app/route.ts: POST to the RPC paths, or any request naming an Action. */
export function isRpcRequest(req: IncomingMessage): boolean {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  if (pathname !== '/' && pathname !== '/api/cloudauth' && pathname !== '/api/cloudauth/') return false;
  if (req.method === 'POST' || req.headers['x-acs-action']) return true;
  return q !== -1 && new URLSearchParams(url.slice(q + 1)).has('Action');
}

/** Runs handleRpc() on a plain Node request (no Next.js routing on the partner API's hot path). */
export async function handleRpcNode(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
      method: req.method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
      // Required by undici for a streamed request body.
      ...(hasBody ? { duplex: 'half' } : {}),
    } as RequestInit);
    const response = await handleRpc(request);
    const body = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(body);
  } catch {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('Internal error\n');
  }
}
