/** @type {import('next').NextConfig} */

// Cross-origin isolation lets onnxruntime-web use threads; the worker script itself must carry
// COEP too or the browser refuses to start it (DESIGN §4).
const isolation = [
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Cross-Origin-Embedder-Policy', value: 'require-corp' },
  { key: 'Cross-Origin-Resource-Policy', value: 'same-origin' },
];

const nextConfig = {
  reactStrictMode: true,
  // Type checking runs as its own step (npm run typecheck, in CI) so npm start builds faster.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  // RPC clients post to "/api/cloudauth/" with a trailing slash; a 308 would break them.
  skipTrailingSlashRedirect: true,
  experimental: {
    // The proxy truncates bodies at 10 MB by default; RPC bodies are limited to 8 MB in the handler.
    proxyClientMaxBodySize: '12mb',
  },
  async headers() {
    return [
      { source: '/verify', headers: isolation },
      { source: '/verify/:path*', headers: isolation },
      { source: '/lab/:path*', headers: isolation },
      { source: '/_next/static/:path*', headers: isolation },
      {
        source: '/models/:path*',
        headers: [...isolation, { key: 'Cache-Control', value: 'public, max-age=31536000, immutable' }],
      },
      { source: '/:path*', headers: [{ key: 'Referrer-Policy', value: 'no-referrer' }, { key: 'X-Content-Type-Options', value: 'nosniff' }] },
    ];
  },
};

export default nextConfig;
