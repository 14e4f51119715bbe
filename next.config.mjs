/** @type {import('next').NextConfig} */

// Same value as WORKER_SCRIPT_CSP in lib/verification/h5/csp.ts (this file cannot import TypeScript).
const WORKER_SCRIPT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; object-src 'none'";

// Cross-origin isolation lets onnxruntime-web use threads; the worker script itself must carry
// COEP too or the browser refuses to start it (DESIGN §4).
const isolation = [
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Cross-Origin-Embedder-Policy', value: 'require-corp' },
  { key: 'Cross-Origin-Resource-Policy', value: 'same-origin' },
];

const nextConfig = {
  reactStrictMode: true,
  // A separate build directory lets parallel test runs (or a dev server) not clobber each other.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Type checking runs as its own step (npm run typecheck, in CI) so npm start builds faster.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  // RPC clients may post to "/api/cloudauth/" with a trailing slash; a 308 would break them.
  skipTrailingSlashRedirect: true,
  async headers() {
    return [
      { source: '/verify', headers: isolation },
      { source: '/verify/:path*', headers: isolation },
      { source: '/lab/:path*', headers: isolation },
      // A worker takes its CSP from its own script's response: keep it on our origin (MediaPipe
      // otherwise posts usage logs to a Google host) while allowing its wasm.
      { source: '/_next/static/:path*', headers: [...isolation, { key: 'Content-Security-Policy', value: WORKER_SCRIPT_CSP }] },
      {
        source: '/models/:path*',
        headers: [...isolation, { key: 'Cache-Control', value: 'public, max-age=31536000, immutable' }],
      },
      { source: '/:path*', headers: [{ key: 'Referrer-Policy', value: 'no-referrer' }, { key: 'X-Content-Type-Options', value: 'nosniff' }] },
    ];
  },
};

export default nextConfig;
