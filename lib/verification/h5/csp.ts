/**
 * The verify page's Content-Security-Policy, for proxy.ts to set per request with a fresh nonce
 * (Next.js reads the nonce from the request's CSP header and puts it on its own scripts).
 * - scripts: only ours, by nonce, plus what they load ('strict-dynamic'); wasm compilation for
 *   the face worker's runtimes; no eval in production.
 * - connect/img/worker: our origin only (blob:/data: for frames, the QR code), so the page can
 *   make no third-party request; forms and <base> locked; never framed (clickjacking a camera page).
 * Style attributes stay allowed ('unsafe-inline' in style-src): they cannot run code.
 */
export function verifyPageCsp(nonce: string, opts: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'${opts.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Policy for the worker scripts under /_next/static: a dedicated worker takes its CSP from its
 * own script's response, not from the page. This keeps the worker on our origin too (MediaPipe
 * tasks-vision otherwise posts usage logs to odml.pa.googleapis.com) while allowing its wasm.
 * Harmless on ordinary scripts (browsers ignore CSP headers on script responses).
 */
export const WORKER_SCRIPT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; object-src 'none'";
