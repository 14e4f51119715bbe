import crypto from 'node:crypto';
import type { AppContext } from '../../context';
import { claimNonce, purgeExpiredNonces } from '../../store/nonces';
import { updateBytesYielding, updateTextYielding } from '../../security/yielding-digest';
import type { GatewayRequest } from './request';

/** Same window as the RPC signatures: ±15 minutes, nonces remembered a little longer. */
export const TIMESTAMP_WINDOW_MS = 15 * 60 * 1000;

/** Why authentication failed: `reason` goes to X-Ca-Error-Message, in the gateway's words. */
export class GatewayAuthError extends Error {
  constructor(
    readonly reason: string,
    /** true: the key exists but may not call (disabled) → AUTHORIZATION_ERROR rather than a bad signature. */
    readonly forbidden = false,
  ) {
    super(reason);
  }
}

/**
 * App keys are our AccessKeys: X-Ca-Key is the AccessKeyId and the app secret its secret. An
 * APPCODE is derived from the key (it is a bearer secret sent in every request, so it is not the
 * secret itself and cannot sign RPC calls): `<AccessKeyId>.<base64url(HMAC-SHA256(secret, label))>`.
 */
export function appCodeFor(accessKeyId: string, secret: string): string {
  return `${accessKeyId}.${crypto.createHmac('sha256', secret).update('open-cloudauth:faceid-appcode').digest('base64url')}`;
}

/**
 * The string the API gateway signs (aliyun-api-gateway's Client.buildStringToSign): method,
 * Accept, Content-MD5, Content-Type, Date (each line present even when empty), the signed headers
 * as `name:value` lines, then the path with the query and urlencoded form fields sorted by name
 * (`k=v`, or `k` for an empty value; not percent-encoded).
 * Returned in pieces: a form value may be megabytes, hashed piece by piece, never copied into one string.
 */
export function gatewayStringToSignParts(req: Pick<GatewayRequest, 'method' | 'path' | 'headers' | 'signedParams'>, signedHeaders: readonly string[]): string[] {
  const h = (n: string) => req.headers.get(n) ?? '';
  const lines = [req.method.toUpperCase(), h('accept'), h('content-md5'), h('content-type'), h('date')];
  let head = lines.join('\n') + '\n';
  for (const name of signedHeaders) head += `${name}:${h(name)}\n`;
  const parts = [head + req.path];
  const keys = [...req.signedParams.keys()].sort();
  keys.forEach((k, i) => {
    const v = req.signedParams.get(k)!;
    parts.push(`${i === 0 ? '?' : '&'}${k}${v ? '=' : ''}`);
    if (v) parts.push(v);
  });
  return parts;
}

const ALGORITHMS: Record<string, 'sha256' | 'sha1'> = { HmacSHA256: 'sha256', HmacSHA1: 'sha1' };
/** Without these in X-Ca-Signature-Headers a captured request could be replayed with a new nonce or time. */
const MUST_SIGN = ['x-ca-key', 'x-ca-nonce', 'x-ca-timestamp'];

let lastPurge = 0;

/** Verifies the app-key signature (or an APPCODE) and claims the nonce; returns the AccessKeyId. */
export interface GatewayAuthOptions {
  appCodeEnabled: boolean;
  /** Called with the authenticated key before its nonce is spent (a throttled client may resend the same request). */
  throttle?: (accessKeyId: string) => Promise<void>;
}

export async function authenticateGateway(ctx: AppContext, req: GatewayRequest, opts: GatewayAuthOptions, now = Date.now()): Promise<string> {
  const authorization = req.headers.get('authorization');
  if (authorization && /^APPCODE\s/i.test(authorization)) {
    if (!opts.appCodeEnabled) throw new GatewayAuthError('APPCODE authentication is disabled');
    const id = await authenticateAppCode(ctx, authorization.replace(/^APPCODE\s+/i, '').trim());
    await opts.throttle?.(id);
    return id;
  }
  const key = req.headers.get('x-ca-key');
  const signature = req.headers.get('x-ca-signature');
  if (!key || !signature) throw new GatewayAuthError('Missing X-Ca-Key or X-Ca-Signature');
  const algorithm = ALGORITHMS[req.headers.get('x-ca-signature-method') ?? 'HmacSHA256'];
  if (!algorithm) throw new GatewayAuthError('Invalid X-Ca-Signature-Method (HmacSHA256 or HmacSHA1)');
  const signedHeaders = (req.headers.get('x-ca-signature-headers') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const name of MUST_SIGN) if (!signedHeaders.includes(name)) throw new GatewayAuthError(`X-Ca-Signature-Headers must include ${name}`);
  const nonce = req.headers.get('x-ca-nonce') ?? '';
  if (!nonce || nonce.length > 128) throw new GatewayAuthError('Invalid X-Ca-Nonce');
  const tsRaw = req.headers.get('x-ca-timestamp') ?? '';
  const ts = /^\d{10,16}$/.test(tsRaw) ? Number(tsRaw) : NaN;
  if (!Number.isFinite(ts)) throw new GatewayAuthError('Invalid X-Ca-Timestamp (epoch milliseconds)');
  if (Math.abs(ts - now) > TIMESTAMP_WINDOW_MS) throw new GatewayAuthError('Timestamp Expired (allowed skew ±15 minutes)');
  // The signature covers a non-form body only through Content-MD5: without it the body could be swapped.
  const isForm = (req.headers.get('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
  if (req.body.length && !isForm) {
    const md5 = req.headers.get('content-md5');
    if (!md5) throw new GatewayAuthError('Content-MD5 is required for this body');
    if (!/^[A-Za-z0-9+/]{22}==$/.test(md5)) throw new GatewayAuthError('Invalid Content-MD5');
    // Up to 20 MB: hashed in slices so the event loop keeps serving others meanwhile.
    const digest = crypto.createHash('md5');
    await updateBytesYielding(digest, req.body);
    if (!safeEqual(digest.digest('base64'), md5)) throw new GatewayAuthError('Invalid Content-MD5');
  }
  const record = await ctx.accessKeys.lookup(key);
  if (!record) throw new GatewayAuthError('Invalid AppKey');
  if (!record.enabled) throw new GatewayAuthError('AppKey disabled', true);
  // A form field may hold megabytes: signed in slices, yielding between them.
  const hmac = crypto.createHmac(algorithm, record.secret);
  for (const part of gatewayStringToSignParts(req, signedHeaders)) await updateTextYielding(hmac, part, (x) => x);
  const expected = hmac.digest('base64');
  if (!safeEqual(expected, signature)) throw new GatewayAuthError('Invalid Signature');
  await opts.throttle?.(key);
  if (!(await claimNonce(ctx.db, key, nonce, ts + TIMESTAMP_WINDOW_MS + 60_000))) throw new GatewayAuthError('Nonce Used');
  if (now - lastPurge > 60_000) {
    lastPurge = now;
    void purgeExpiredNonces(ctx.db, now).catch(() => undefined);
  }
  return key;
}

async function authenticateAppCode(ctx: AppContext, code: string): Promise<string> {
  const id = code.slice(0, Math.max(0, code.lastIndexOf('.')));
  const record = id ? await ctx.accessKeys.lookup(id) : null;
  if (!record || !safeEqual(appCodeFor(id, record.secret), code)) throw new GatewayAuthError('Invalid AppCode');
  if (!record.enabled) throw new GatewayAuthError('AppKey disabled', true);
  return id;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
