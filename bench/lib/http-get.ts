import http from 'node:http';

/**
 * One GET over a keep-alive agent, timed; `ok` is true for HTTP 200 with an RPC success body.
 * Plain node:http rather than fetch: the load generator shares the 2 cores with the server, and
 * fetch costs several times more CPU per request.
 */
export function timedRpcGet(agent: http.Agent, base: URL, path: string): Promise<{ ms: number; ok: boolean }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.request({ host: base.hostname, port: base.port, path, agent, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ ms: performance.now() - t0, ok: res.statusCode === 200 && body.includes('"Code":"1"') }));
    });
    req.on('error', () => resolve({ ms: performance.now() - t0, ok: false }));
    req.end();
  });
}
