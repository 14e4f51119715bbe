import crypto from 'node:crypto';
import { updateTextYielding } from '../security/yielding-digest';

/**
 * Aliyun RPC signature version 1.0 (HMAC-SHA1). Percent-encoding is RFC 3986 with the quirks
 * the official clients use: space as %20, '*' as %2A, '~' kept; !'() encoded too.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/!/g, '%21')
    .replace(/'/g, '%27')
    .replace(/\(/g, '%28')
    .replace(/\)/g, '%29')
    .replace(/\*/g, '%2A');
}

export function canonicalQuery(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k] ?? '')}`)
    .join('&');
}

export function stringToSign(method: string, params: Readonly<Record<string, string>>): string {
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`;
}

export function signV1(method: string, params: Readonly<Record<string, string>>, secret: string): string {
  return crypto.createHmac('sha1', `${secret}&`).update(stringToSign(method, params)).digest('base64');
}

/**
 * signV1() for the request path: the same HMAC, fed parameter by parameter and large values in
 * slices with yields, so signing an 8 MB body never blocks the event loop for long.
 */
export async function signV1Yielding(method: string, params: Readonly<Record<string, string>>, secret: string): Promise<string> {
  const h = crypto.createHmac('sha1', `${secret}&`);
  h.update(`${method.toUpperCase()}&${percentEncode('/')}&`);
  const keys = Object.keys(params).filter((k) => k !== 'Signature').sort();
  const twice = (s: string) => percentEncode(percentEncode(s));
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    // percentEncode('&') = '%26', percentEncode('=') = '%3D'.
    h.update(`${i > 0 ? '%26' : ''}${twice(k)}%3D`);
    await updateTextYielding(h, params[k] ?? '', twice);
  }
  return h.digest('base64');
}

/** Constant-time comparison so the signature check does not leak how many bytes matched. */
export function signatureMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
