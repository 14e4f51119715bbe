/**
 * The site root is the RPC endpoint (the official clients call "/"), so a browser's plain GET /
 * gets this small page from the same route handler instead of a React page.
 */
export function landingPage(): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Open Cloudauth</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#0f172a}code{background:#f1f5f9;padding:0 .25rem;border-radius:.25rem}</style></head>
<body><h1>Open Cloudauth</h1><p>Self-hosted real-person verification (实人认证), wire-compatible with the Alibaba Cloud Cloudauth API.</p>
<p>This address is the API endpoint: point <code>@alicloud/pop-core</code> at it with <code>codes: ['1']</code> (see the README).</p></body></html>`;
  return new Response(html, { headers: { 'content-type': 'text/html;charset=utf-8', 'referrer-policy': 'no-referrer' } });
}
