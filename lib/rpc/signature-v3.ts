import crypto from 'node:crypto';
import { percentEncode } from './signature-v1';
import { RpcError } from './errors';

/**
 * ACS3-HMAC-SHA256, the signature of the newer official SDKs (e.g. @alicloud/cloudauth20190307):
 *   CanonicalRequest = METHOD \n path \n canonical query \n canonical headers \n signed headers \n sha256(body) hex
 *   StringToSign     = "ACS3-HMAC-SHA256" \n sha256(CanonicalRequest) hex
 *   Signature        = hex(HMAC-SHA256(secret, StringToSign))
 * in `Authorization: ACS3-HMAC-SHA256 Credential=AKID,SignedHeaders=a;b,Signature=hex`.
 */
export const ACS3 = 'ACS3-HMAC-SHA256';

export interface Acs3Authorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

export function parseAcs3Authorization(header: string): Acs3Authorization | null {
  const m = /^ACS3-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/i.exec(header.trim());
  if (!m) return null;
  return { accessKeyId: m[1]!, signedHeaders: m[2]!.toLowerCase().split(';'), signature: m[3]!.toLowerCase() };
}

/**
 * As @alicloud/openapi-core's getAuthorizationQueryString builds it from the query object it
 * sends: keys as written (unencoded), values percent-encoded, sorted by key. That object has
 * each key once, so a repeated key cannot come from the SDK: it is refused (null) rather than
 * canonicalised in a way the handler might read differently.
 */
export function acs3CanonicalQuery(query: URLSearchParams): string | null {
  const entries = [...query];
  const keys = entries.map(([k]) => k).sort();
  for (let i = 1; i < keys.length; i++) if (keys[i] === keys[i - 1]) return null;
  const byKey = new Map(entries);
  return keys.map((k) => `${k}=${percentEncode(byKey.get(k) ?? '')}`).join('&');
}

export function acs3CanonicalRequest(input: { method: string; path: string; query: URLSearchParams; headers: Headers; signedHeaders: readonly string[]; payloadHash: string }): string {
  const canonicalHeaders = input.signedHeaders.map((h) => `${h}:${(input.headers.get(h) ?? '').trim()}\n`).join('');
  const path = input.path.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
  const query = acs3CanonicalQuery(input.query);
  if (query === null) throw new RpcError('InvalidParameter', 'A query parameter appears more than once');
  return [input.method.toUpperCase(), path, query, canonicalHeaders, input.signedHeaders.join(';'), input.payloadHash].join('\n');
}

export function signAcs3(canonicalRequest: string, secret: string): string {
  const stringToSign = `${ACS3}\n${crypto.createHash('sha256').update(canonicalRequest).digest('hex')}`;
  return crypto.createHmac('sha256', secret).update(stringToSign).digest('hex');
}
