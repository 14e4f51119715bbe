import { handleRpc } from '../../../lib/rpc/handle-rpc';

// RPC calls reach this handler through proxy.ts (POST / or ?Action=…); it must never be cached.
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = (request: Request) => handleRpc(request);
export const POST = (request: Request) => handleRpc(request);
