import { RpcError } from '../rpc/errors';

/** Decoded image size limit for every image a partner sends (Cloudauth's documented 2 MB). */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

export interface ImageInputOptions {
  fetchAllowlist: readonly string[];
  fetchTimeoutMs: number;
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
  if (!mime) throw new RpcError('InvalidParam.ImageFormatUnsupported', `${field} is not a JPEG, PNG, WebP or BMP image`);
  return { data, mime };
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

async function fetchAllowed(url: string, field: string, opts: ImageInputOptions): Promise<Buffer> {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    throw new RpcError('InvalidParam.ImageValuePatternError', `${field} is not a valid URL`);
  }
  if (!opts.fetchAllowlist.includes(host)) {
    throw new RpcError('InvalidParam.ImageFetchForbidden', `${field}: host ${host} is not in CLOUDAUTH_FETCH_ALLOWLIST`);
  }
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(opts.fetchTimeoutMs) });
  } catch (e) {
    throw new RpcError('InvalidParam.ImageFetchFailed', `${field}: fetching the image failed (${(e as Error).name})`);
  }
  if (!res.ok || !res.body) throw new RpcError('InvalidParam.ImageFetchFailed', `${field}: the image URL answered HTTP ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_IMAGE_BYTES) throw new RpcError('InvalidParam.ImageTooLarge', `${field} exceeds ${MAX_IMAGE_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_IMAGE_BYTES) {
      await reader.cancel();
      throw new RpcError('InvalidParam.ImageTooLarge', `${field} exceeds ${MAX_IMAGE_BYTES} bytes`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}
