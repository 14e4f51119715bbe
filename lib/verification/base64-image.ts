/**
 * Strict base64 (standard or url-safe, whitespace ignored, an optional `base64://` prefix) for the
 * protocols that carry images as bare base64 text (FaceID forms, face_verify ServiceParameters).
 * The pattern is checked first: Buffer.from silently skips garbage characters. The length is
 * checked before decoding, so an oversized value is never decoded.
 */
export function decodeBase64Text(text: string, maxBytes: number): Buffer | 'malformed' | 'too_large' {
  const b64 = text.replace(/^base64:\/\//i, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(b64) || b64.length % 4 === 1) return 'malformed';
  if (b64.length > Math.ceil((maxBytes * 4) / 3) + 4) return 'too_large';
  return Buffer.from(b64, 'base64');
}
