import http from 'node:http';
import https from 'node:https';
import sharp from 'sharp';
import { RpcError } from '../rpc/errors';
import { MAX_IMAGE_SIDE } from '../biometrics/decode';
import { resolveOutboundHost, urlHost } from '../security/outbound-address';

/** Decoded image size limit for every image a partner sends (Cloudauth's documented 2 MB). */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

export interface ImageInputOptions {
  fetchAllowlist: readonly string[];
  fetchTimeoutMs: number;
  /** CIDRs a fetched host may resolve into although they are loopback/private (default none). */
  fetchPrivateNetworks?: readonly string[];
}

export function sniffImageMime(buf: Buffer): 'image/jpeg' | 'image/png' | 'image/webp' | 'image/bmp' | null {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (buf.length >= 2 && buf[0] === 0x42 && buf[1] === 0x4d) return 'image/bmp';
  return null;
}

export interface LoadedImage {
  data: Buffer;
  mime: string;
}

/**
 * Turns a partner's image reference into bytes: `base64://…` inline, `http(s)://…` only from
 * hosts in CLOUDAUTH_FETCH_ALLOWLIST (no open proxy / SSRF), `oss://` refused clearly.
 */
export async function loadImage(value: string, field: string, opts: ImageInputOptions): Promise<LoadedImage> {
  const v = value.trim();
  let data: Buffer;
  if (/^https?:\/\//i.test(v)) data = await fetchAllowed(v, field, opts);
  else if (/^oss:\/\//i.test(v)) throw new RpcError('InvalidParam.OssNotSupported', `${field}: oss:// references are not supported by this server; send base64://… or an allowed https:// URL`);
  else if (/^base64:\/\//i.test(v)) data = decodeBase64(v.slice('base64://'.length), field);
  else throw new RpcError('InvalidParam.ImageValuePatternError', `${field} must be base64://<base64 data> or an http(s):// URL`);
  if (data.length === 0) throw new RpcError('InvalidParam.ImageValuePatternError', `${field} is empty`);
  if (data.length > MAX_IMAGE_BYTES) throw new RpcError('InvalidParam.ImageTooLarge', `${field} is ${data.length} bytes; the limit is ${MAX_IMAGE_BYTES} bytes`);
  const mime = sniffImageMime(data);
  if (!mime || mime === 'image/bmp') throw new RpcError('InvalidParam.ImageFormatUnsupported', `${field} is not a JPEG, PNG or WebP image`);
  await assertDecodes(data, field);
  return { data, mime };
}

/**
 * Magic bytes only say what a file claims to be: every image is decoded at intake (sharp, on the
 * libuv pool, off the event loop), so what is stored and served back as image/* is an image.
 * The decode is shrunk on load to a thumbnail, so it costs a few ms even for a large JPEG.
 */
async function assertDecodes(data: Buffer, field: string): Promise<void> {
  let width: number | undefined;
  let height: number | undefined;
  try {
    ({ width, height } = await sharp(data, { failOn: 'error' }).metadata());
  } catch {
    throw new RpcError('InvalidParam.ImageFormatUnsupported', `${field} could not be decoded as an image`);
  }
  if (!width || !height) throw new RpcError('InvalidParam.ImageFormatUnsupported', `${field} could not be decoded as an image`);
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) throw new RpcError('InvalidParam.ImageDimensionsTooLarge', `${field} is larger than ${MAX_IMAGE_SIDE} pixels on a side`);
  try {
    await sharp(data, { failOn: 'error' }).resize(16, 16, { fit: 'inside' }).raw().toBuffer();
  } catch {
    throw new RpcError('InvalidParam.ImageFormatUnsupported', `${field} could not be decoded as an image`);
  }
}

function decodeBase64(b64: string, field: string): Buffer {
  const compact = b64.replace(/\s+/g, '');
  // A strict pattern check first: Buffer.from silently skips garbage characters.
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw new RpcError('InvalidParam.ImageValuePatternError', `${field} must be base64://<base64 data> or an http(s):// URL`);
  }
  if (compact.length > Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 4) {
    throw new RpcError('InvalidParam.ImageTooLarge', `${field} exceeds ${MAX_IMAGE_BYTES} bytes`);
  }
  return Buffer.from(compact, 'base64');
}

const fetchFailed = (field: string, why: string) => new RpcError('InvalidParam.ImageFetchFailed', `${field}: fetching the image failed (${why})`);

async function fetchAllowed(url: string, field: string, opts: ImageInputOptions): Promise<Buffer> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RpcError('InvalidParam.ImageValuePatternError', `${field} is not a valid URL`);
  }
  const host = urlHost(parsed);
  if (!opts.fetchAllowlist.includes(host)) {
    throw new RpcError('InvalidParam.ImageFetchForbidden', `${field}: host ${host} is not in CLOUDAUTH_FETCH_ALLOWLIST`);
  }
  if (parsed.username || parsed.password) throw new RpcError('InvalidParam.ImageFetchForbidden', `${field}: URLs with credentials are not fetched`);
  const signal = AbortSignal.timeout(opts.fetchTimeoutMs);
  const resolved = await resolveOutboundHost(host, opts.fetchPrivateNetworks ?? []);
  if (!resolved.ok && resolved.why === 'unresolvable') throw fetchFailed(field, 'the host name does not resolve');
  if (!resolved.ok) throw new RpcError('InvalidParam.ImageFetchForbidden', `${field}: ${host} resolves to a loopback or private address (list it in CLOUDAUTH_FETCH_PRIVATE_NETWORKS to allow it)`);
  const { lookup } = resolved;
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const get = parsed.protocol === 'https:' ? https.get : http.get;
      const req = get(parsed, { lookup, signal, headers: { accept: 'image/*' } }, resolve);
      req.on('error', reject);
    });
    if (res.statusCode !== 200) {
      res.destroy();
      throw fetchFailed(field, `the image URL answered HTTP ${res.statusCode}${res.statusCode && res.statusCode >= 300 && res.statusCode < 400 ? ', redirects are not followed' : ''}`);
    }
    const declared = Number(res.headers['content-length'] ?? 0);
    if (declared > MAX_IMAGE_BYTES) {
      res.destroy();
      throw new RpcError('InvalidParam.ImageTooLarge', `${field} exceeds ${MAX_IMAGE_BYTES} bytes`);
    }
    for await (const chunk of res as AsyncIterable<Buffer>) {
      total += chunk.byteLength;
      if (total > MAX_IMAGE_BYTES) {
        res.destroy();
        throw new RpcError('InvalidParam.ImageTooLarge', `${field} exceeds ${MAX_IMAGE_BYTES} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    // Everything after the allow-list check, the body's read loop included, fails as documented.
    if (e instanceof RpcError) throw e;
    throw fetchFailed(field, signal.aborted ? `no complete answer within ${opts.fetchTimeoutMs} ms` : (e as Error).name || 'network error');
  }
  return Buffer.concat(chunks);
}
