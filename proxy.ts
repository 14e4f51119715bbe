import { NextResponse, type NextRequest } from 'next/server';
import { verifyPageCsp } from './lib/verification/h5/csp';

/**
 * A strict, per-request nonce CSP for the verify page. Next.js reads the nonce from the request's
 * CSP header and puts it on its own scripts. Only /verify (and the /lab diagnostics page, which
 * runs the same worker) passes through here: the RPC endpoint
 * at "/" is a route handler and needs no rewriting (a proxy rewrite would echo the whole query,
 * images included, in an x-middleware-rewrite response header).
 */
export function proxy(request: NextRequest) {
  const nonce = btoa(crypto.randomUUID());
  const csp = verifyPageCsp(nonce, { dev: process.env.NODE_ENV !== 'production' });
  const headers = new Headers(request.headers);
  headers.set('content-security-policy', csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set('content-security-policy', csp);
  return res;
}

export const config = { matcher: ['/verify', '/verify/', '/lab/:path*'] };
