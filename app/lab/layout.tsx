import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';

// Rendered per request, so the diagnostics page is never cached as a static file and the
// setting below is read at run time, not at build time.
export const dynamic = 'force-dynamic';

/**
 * /lab/* is a diagnostics surface for the browser face worker (bench/browser-worker.ts). A
 * production server answers 404 there unless CLOUDAUTH_LAB=1; when served it carries the verify
 * page's nonce CSP (proxy.ts).
 */
export default function LabLayout({ children }: { children: ReactNode }) {
  if (process.env.NODE_ENV === 'production' && process.env.CLOUDAUTH_LAB !== '1') notFound();
  return children;
}
