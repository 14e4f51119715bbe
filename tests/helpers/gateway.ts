import crypto from 'node:crypto';
import type { Key } from './rpc';

/**
 * A raw API-gateway request signed as aliyun-api-gateway's Client signs it, with knobs to break
 * it (tampering after signing, another secret, a fixed nonce or timestamp, HmacSHA1).
 */
export interface RawGatewayCall {
  method: 'GET' | 'POST';
  url: string;
  key: Key;
  form?: Record<string, string>;
  query?: Record<string, string>;
  body?: { data: Buffer; contentType: string };
  nonce?: string;
  timestamp?: number;
  signWith?: string;
  algorithm?: 'HmacSHA256' | 'HmacSHA1';
  /** Changes the form after the signature was computed. */
  tamper?: Record<string, string>;
  signedHeaders?: string[];
}

export function signedGatewayRequest(c: RawGatewayCall): { url: string; init: RequestInit } {
  const u = new URL(c.url);
  for (const [k, v] of Object.entries(c.query ?? {})) u.searchParams.set(k, v);
  const headers: Record<string, string> = {
    accept: 'application/json',
    'x-ca-key': c.key.id,
    'x-ca-nonce': c.nonce ?? crypto.randomUUID(),
    'x-ca-timestamp': String(c.timestamp ?? Date.now()),
  };
  if (c.algorithm) headers['x-ca-signature-method'] = c.algorithm;
  let body: string | Buffer | undefined;
  if (c.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded; charset=UTF-8';
    body = new URLSearchParams(c.form).toString();
  } else if (c.body) {
    headers['content-type'] = c.body.contentType;
    headers['content-md5'] = crypto.createHash('md5').update(c.body.data).digest('base64');
    body = c.body.data;
  }
  const signed = c.signedHeaders ?? Object.keys(headers).filter((h) => h.startsWith('x-ca-')).sort();
  headers['x-ca-signature-headers'] = signed.join(',');
  const params: Record<string, string> = { ...Object.fromEntries(u.searchParams), ...(c.form ?? {}) };
  const keys = Object.keys(params).sort();
  const path = u.pathname + (keys.length ? '?' + keys.map((k) => (params[k] ? `${k}=${params[k]}` : k)).join('&') : '');
  const toSign = [c.method, headers.accept ?? '', headers['content-md5'] ?? '', headers['content-type'] ?? '', ''].join('\n') + '\n' + signed.map((h) => `${h}:${headers[h]}\n`).join('') + path;
  headers['x-ca-signature'] = crypto
    .createHmac(c.algorithm === 'HmacSHA1' ? 'sha1' : 'sha256', c.signWith ?? c.key.secret)
    .update(toSign)
    .digest('base64');
  if (c.tamper && c.form) body = new URLSearchParams({ ...c.form, ...c.tamper }).toString();
  return { url: u.toString(), init: { method: c.method, headers, body: typeof body === "string" || body === undefined ? body : new Uint8Array(body) } };
}

export async function gatewayFetch(c: RawGatewayCall): Promise<{ status: number; text: string; headers: Headers; json(): any }> {
  const { url, init } = signedGatewayRequest(c);
  const r = await fetch(url, init);
  const text = await r.text();
  return { status: r.status, text, headers: r.headers, json: () => JSON.parse(text) };
}

/** A multipart body (as a browser or curl sends it), for the gateway client's Buffer mode. */
export async function multipart(fields: Record<string, string | { file: Buffer; name: string; type: string }>): Promise<{ data: Buffer; contentType: string }> {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === 'string') fd.append(k, v);
    else fd.append(k, new Blob([new Uint8Array(v.file)], { type: v.type }), v.name);
  }
  const req = new Request('http://x/', { method: 'POST', body: fd });
  return { data: Buffer.from(await req.arrayBuffer()), contentType: req.headers.get('content-type')! };
}
