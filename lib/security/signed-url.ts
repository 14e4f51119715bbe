import crypto from 'node:crypto';

/**
 * Expiring signed URLs for stored images: /media/{id}?expires=…&sig=…, HMAC-SHA256 with a key
 * derived from the master key. The URL is the only way to read an image over HTTP.
 */
export const MEDIA_URL_TTL_SECONDS = 3600;

function mac(key: Buffer, id: string, expires: number): string {
  return crypto.createHmac('sha256', key).update(`${id}\n${expires}`).digest('base64url');
}

export function signMediaUrl(publicUrl: string, key: Buffer, id: string, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + MEDIA_URL_TTL_SECONDS;
  return `${publicUrl}/media/${encodeURIComponent(id)}?expires=${expires}&sig=${mac(key, id, expires)}`;
}

export function verifyMediaSignature(key: Buffer, id: string, expiresRaw: string | null, sig: string | null, now = Date.now()): 'ok' | 'expired' | 'invalid' {
  const expires = Number(expiresRaw);
  if (!sig || !Number.isInteger(expires)) return 'invalid';
  const expected = Buffer.from(mac(key, id, expires));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return 'invalid';
  return expires * 1000 < now ? 'expired' : 'ok';
}
