import type { AppContext } from '../context';
import { claimNonce, purgeExpiredNonces } from '../store/nonces';
import { RpcError } from './errors';
import { signatureMatches, signV1Yielding } from './signature-v1';
import { acs3CanonicalRequest, signAcs3 } from './signature-v3';
import type { RpcRequest } from './request';
import crypto from 'node:crypto';
import { isWellFormedAccessKeyId, type KeyLookup } from '../store/access-keys';
import { updateBytesYielding } from '../security/yielding-digest';
import { enforceRpcRateLimit } from '../security/rate-limits';

/** Requests are accepted within ±15 minutes of our clock; nonces are remembered that long. */
export const TIMESTAMP_WINDOW_MS = 15 * 60 * 1000;

/** Nonces the official clients send are UUIDs or 32 hex digits; anything printable up to 128 is accepted. */
const NONCE_RE = /^[\x21-\x7e]{1,128}$/;

const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?Z$/;

export function parseTimestamp(raw: string): number {
  if (!TIMESTAMP_RE.test(raw)) throw new RpcError('InvalidTimeStamp.Format', 'Timestamp must be ISO 8601 UTC, e.g. 2026-01-01T12:00:00Z (milliseconds optional)');
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw new RpcError('InvalidTimeStamp.Format', 'Timestamp is not a valid date');
  return t;
}

function required(params: Record<string, string>, name: string): string {
  const v = params[name];
  if (v === undefined || v === '') {
    if (name === 'AccessKeyId') throw new RpcError('MissingAccessKeyId', 'AccessKeyId is mandatory for this action.');
    if (name === 'Signature') throw new RpcError('IncompleteSignature', 'The request signature is missing.');
    throw new RpcError('MissingParameter', `The input parameter "${name}" that is mandatory for processing this request is not supplied.`);
  }
  return v;
}

let lastPurge = 0;

/** Verifies signature version 1.0 and claims the nonce; returns the caller's AccessKeyId. */
export async function authenticateV1(ctx: AppContext, method: string, params: Record<string, string>, now = Date.now()): Promise<string> {
  const accessKeyId = required(params, 'AccessKeyId');
  const signature = required(params, 'Signature');
  const sigMethod = required(params, 'SignatureMethod');
  if (sigMethod !== 'HMAC-SHA1') throw new RpcError('InvalidSignatureMethod', `SignatureMethod ${sigMethod} is not supported; use HMAC-SHA1`);
  const sigVersion = required(params, 'SignatureVersion');
  if (sigVersion !== '1.0') throw new RpcError('InvalidParameter', `SignatureVersion ${sigVersion} is not supported; use 1.0`);
  const nonce = required(params, 'SignatureNonce');
  checkNonce(nonce, 'SignatureNonce');
  const ts = checkTimestamp(required(params, 'Timestamp'), now);

  // Every cheap check is done: only now is the (possibly 8 MB) signature computed.
  const key = await keyOf(ctx, accessKeyId);
  if (!signatureMatches(await signV1Yielding(method, params, key.secret), signature)) {
    throw new RpcError('SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');
  }
  await claim(ctx, accessKeyId, nonce, ts, now);
  assertEnabled(key);
  return accessKeyId;
}

function checkNonce(nonce: string, name: string): void {
  if (!NONCE_RE.test(nonce)) throw new RpcError('InvalidParameter', `${name} must be 1–128 printable ASCII characters`);
}

function checkTimestamp(raw: string, now: number): number {
  const ts = parseTimestamp(raw);
  if (Math.abs(ts - now) > TIMESTAMP_WINDOW_MS) throw new RpcError('InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired (allowed skew ±15 minutes).');
  return ts;
}

async function keyOf(ctx: AppContext, accessKeyId: string): Promise<KeyLookup> {
  // A malformed id cannot exist: answered without a lookup (and never cached or echoed).
  if (!isWellFormedAccessKeyId(accessKeyId)) throw new RpcError('InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
  const key = await ctx.accessKeys.lookup(accessKeyId);
  if (!key) throw new RpcError('InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
  return key;
}

/**
 * A disabled key is the seed's Error.NoPermissionAccess (403), told only to a caller who proved
 * they hold its secret: without a valid signature nobody learns that the key exists but is off.
 */
function assertEnabled(key: KeyLookup): void {
  if (!key.enabled) throw new RpcError('Error.NoPermissionAccess', 'No permission to access the service: this AccessKey is disabled.');
}

/** Headers an ACS3 signature must cover, or parts of the request could be changed unsigned. */
const ACS3_REQUIRED_SIGNED = ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'];

/** Verifies an ACS3-HMAC-SHA256 request (the 2019+ SDKs) and claims its nonce. */
export async function authenticateAcs3(ctx: AppContext, req: RpcRequest, now = Date.now()): Promise<string> {
  const auth = req.acs3!;
  for (const h of ACS3_REQUIRED_SIGNED) {
    if (!auth.signedHeaders.includes(h)) throw new RpcError('IncompleteSignature', `The signature must cover the ${h} header`);
    if (!req.headers.get(h)) throw new RpcError('MissingParameter', `The header "${h}" that is mandatory for processing this request is not supplied.`);
  }
  const nonce = req.headers.get('x-acs-signature-nonce')!;
  checkNonce(nonce, 'x-acs-signature-nonce');
  const ts = checkTimestamp(req.headers.get('x-acs-date')!, now);
  const key = await keyOf(ctx, auth.accessKeyId);
  const secret = key.secret;
  const digest = crypto.createHash('sha256');
  await updateBytesYielding(digest, req.body);
  const payloadHash = digest.digest('hex');
  if (payloadHash !== req.headers.get('x-acs-content-sha256')!.toLowerCase()) {
    throw new RpcError('SignatureDoesNotMatch', 'The request body does not match x-acs-content-sha256.');
  }
  const canonical = acs3CanonicalRequest({ method: req.method, path: req.url.pathname, query: req.url.searchParams, headers: req.headers, signedHeaders: auth.signedHeaders, payloadHash });
  if (!signatureMatches(signAcs3(canonical, secret), auth.signature)) {
    throw new RpcError('SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');
  }
  await claim(ctx, auth.accessKeyId, nonce, ts, now);
  assertEnabled(key);
  return auth.accessKeyId;
}

async function claim(ctx: AppContext, accessKeyId: string, nonce: string, ts: number, now: number): Promise<void> {
  // Throttled before the nonce is spent, so the client may retry the same signed request.
  await enforceRpcRateLimit(ctx, accessKeyId, now);
  // The nonce must outlive every timestamp that could still be accepted with it.
  if (!(await claimNonce(ctx.db, accessKeyId, nonce, ts + TIMESTAMP_WINDOW_MS + 60_000))) {
    throw new RpcError('SignatureNonceUsed', 'Specified signature nonce was used already.');
  }
  if (now - lastPurge > 60_000) {
    lastPurge = now;
    void purgeExpiredNonces(ctx.db, now).catch(() => undefined);
  }
}
