import { getAppContext } from '../../../lib/context';
import { readMaterial } from '../../../lib/verification/materials';
import { verifyMediaSignature } from '../../../lib/security/signed-url';
import { readReviewEvidence } from '../../../lib/verification/review';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Stored images, only through an unexpired signed URL (GetMaterials hands them out). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const url = new URL(request.url);
  const ctx = await getAppContext();
  const check = verifyMediaSignature(ctx.keys.urlSigning, id, url.searchParams.get('expires'), url.searchParams.get('sig'));
  if (check !== 'ok') return new Response(check === 'expired' ? 'This link has expired.\n' : 'Invalid signature.\n', { status: 403, headers: { 'content-type': 'text/plain' } });
  const material = (await readMaterial(ctx, id)) ?? (await readReviewEvidence(ctx, id));
  if (!material) return new Response('Not found.\n', { status: 404, headers: { 'content-type': 'text/plain' } });
  return new Response(new Uint8Array(material.data), {
    headers: { 'content-type': material.mime, 'cache-control': 'private, no-store', 'content-length': String(material.data.length) },
  });
}
