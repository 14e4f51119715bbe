#!/usr/bin/env node
// One server process: Next.js for pages and the H5 endpoints, with the RPC endpoint answered
// before Next's router. Next's per-request routing cost more CPU than a whole GetStatus (≈1 ms of
// ≈1.3 ms), so the partner API — the hot path — goes straight to the same handleRpc() that the
// route handlers in app/route.ts use (they stay as the path for `next dev`).
import crypto from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/cjs/api';
import next from 'next';

// A self-hosted biometric service must not call out: no Next.js telemetry.
process.env.NEXT_TELEMETRY_DISABLED = '1';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME_BIND || undefined;

register();
// Proves that an arrival stamp (below) was set by this process, not sent by a client.
process.env.OC_ARRIVAL_STAMP_KEY = crypto.randomUUID();
const { handleRpcNode, isRpcRequest } = createRequire(import.meta.url)('../lib/rpc/node-adapter.ts');

const app = next({ dev: false, dir: root, port, hostname: hostname ?? 'localhost' });
await app.prepare();
const handle = app.getRequestHandler();

// A GET carrying a base64 Binding of ~200 KB needs a larger header limit than Node's 16 KB.
const server = http.createServer({ maxHeaderSize: 262144 }, (req, res) => {
  // The live stream's arrival stamp, taken before Next's routing (lib/verification/h5/stream.ts);
  // a client-sent value is never trusted: it is overwritten here.
  req.headers['x-oc-arrived-at'] = `${Date.now()}:${process.env.OC_ARRIVAL_STAMP_KEY}`;
  if (isRpcRequest(req)) return void handleRpcNode(req, res);
  void handle(req, res);
});
// Keep idle connections longer than clients' pools do, so a pooled socket is never closed under a client.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, hostname, () => {
  console.log(`open-cloudauth listening on http://${hostname ?? 'localhost'}:${port}`);
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    server.close();
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 3000).unref();
    void app.close?.().finally(() => process.exit(0));
  });
}
