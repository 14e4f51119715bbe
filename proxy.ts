import { NextResponse, type NextRequest } from 'next/server';

/**
 * RPC clients call the site root (pop-core posts to "/", aliyun-sdk GETs "/?Action=…", the
 * 2019 SDK sends x-acs-action). Those requests are rewritten to the RPC route handler; a
 * plain GET / keeps the landing page.
 */
export function proxy(request: NextRequest) {
  const { pathname, searchParams } = request.nextUrl;
  const isRpcPath = pathname === '/' || pathname === '/api/cloudauth' || pathname === '/api/cloudauth/';
  if (isRpcPath && (request.method === 'POST' || searchParams.has('Action') || request.headers.has('x-acs-action'))) {
    const url = request.nextUrl.clone();
    url.pathname = '/api/rpc';
    return NextResponse.rewrite(url);
  }
  return NextResponse.next();
}

export const config = { matcher: ['/', '/api/cloudauth', '/api/cloudauth/'] };
