import { readCappedBody } from '../../http/read-capped-body';
import { ParamLimitError, parseUrlEncoded } from '../../http/form-params';
import { FaceIdError, badArgument, tooLarge } from './errors';

/** The gateway's request limit (seed 004: 20 MB, answered with a plain-text 413). */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;
/**
 * An urlencoded form is signed field by field, so it must be decoded and hashed before anyone is
 * authenticated. Its legitimate maximum is two 2 MB images in base64 (≈2.8 M characters each,
 * +6 % for the percent-encoded '+' and '/'): ≈6 MB. Anything larger could never succeed (some
 * photo would be over 2 MB), so it is refused (the seed's 413) before it is read whole; a larger
 * request must be multipart, which is only hashed (Content-MD5) before authentication.
 */
export const MAX_FORM_BYTES = 8 * 1024 * 1024;
/** Far more than any FaceID call has; a form with more fields is refused before it is parsed. */
export const MAX_FIELDS = 32;
/** Each image (seed 004: 2 MB per photo, also a 413). */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

export type ParamValue = { text: string } | { file: Buffer };

export interface GatewayRequest {
  method: string;
  path: string;
  headers: Headers;
  body: Buffer;
  /** Query parameters plus form fields (urlencoded or multipart); each name once. */
  params: Map<string, ParamValue>;
  /** What the signature covers besides headers: query + urlencoded form fields, as text. */
  signedParams: Map<string, string>;
  /** Adds one parameter (a repeated name is refused). */
  add(k: string, v: ParamValue, signed: boolean): void;
}

const FORM = 'application/x-www-form-urlencoded';
const MULTIPART = 'multipart/form-data';

/**
 * Reads a FaceID request with bounded work before anyone is authenticated: the body is capped at
 * 20 MB while it streams, the field count is checked on the raw bytes, and only then is an
 * urlencoded form parsed (its fields are signed, so it must be parsed to verify the signature).
 * A multipart body waits for parseMultipart, after authentication.
 */
export async function readGatewayRequest(request: Request): Promise<GatewayRequest> {
  const url = new URL(request.url);
  const params = new Map<string, ParamValue>();
  const signedParams = new Map<string, string>();
  const add = (k: string, v: ParamValue, signed: boolean) => {
    // One value per name: a repeated name could be read one way by the signature and another by the API.
    if (params.has(k)) throw badArgument(k, 'repeated parameter');
    params.set(k, v);
    if (signed && 'text' in v) signedParams.set(k, v.text);
  };
  if ([...url.searchParams.keys()].length > MAX_FIELDS) throw badArgument('query', 'too many parameters');
  for (const [k, v] of url.searchParams) add(k, { text: v }, true);
  let body: Buffer = Buffer.alloc(0);
  if (request.method === 'POST' || request.method === 'PUT') {
    const type = (request.headers.get('content-type') ?? '').toLowerCase();
    body = await readCappedBody(request, type.startsWith(FORM) ? MAX_FORM_BYTES : MAX_BODY_BYTES, () => tooLarge());
    if (body.length && type.startsWith(FORM)) {
      // The yielding parser, not URLSearchParams: it counts the fields on the raw bytes before decoding
      // any, and decodes a multi-megabyte value in slices, never holding the event loop.
      let pairs: Array<[string, string]>;
      try {
        pairs = await parseUrlEncoded(body, { maxParams: MAX_FIELDS, maxKeyLength: 128, maxValueLength: MAX_FORM_BYTES });
      } catch (e) {
        if (e instanceof ParamLimitError) throw badArgument('body', e.kind === 'KEY_TOO_LONG' ? 'parameter name too long' : 'too many fields');
        throw e;
      }
      for (const [k, v] of pairs) add(k, { text: v }, true);
    } else if (body.length && type.startsWith(MULTIPART)) {
      // Only the shape is checked here; the parts are parsed after authentication (parseMultipart):
      // the signature binds this body through Content-MD5, so nobody unauthenticated gets it parsed.
      const boundary = /boundary="?([^";]+)"?/i.exec(request.headers.get('content-type') ?? '')?.[1];
      if (!boundary) throw badArgument('body', 'multipart without boundary');
      if (countOccurrences(body, Buffer.from(`--${boundary}`)) - 1 > MAX_FIELDS) throw badArgument('body', 'too many fields');
    }
    // Any other body is opaque: the signature covers it by Content-MD5, and FaceID reads no parameter from it.
  }
  return { method: request.method, path: url.pathname, headers: request.headers, body, params, signedParams, add };
}

/**
 * Adds a multipart body's fields to `req.params`; called once the caller is authenticated and
 * within its rate limit. Multipart fields are not signed (the body is, by Content-MD5).
 */
export async function parseMultipart(req: GatewayRequest): Promise<void> {
  const type = req.headers.get('content-type') ?? '';
  if (!req.body.length || !type.toLowerCase().startsWith(MULTIPART)) return;
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(req.body), { headers: { 'content-type': type } }).formData();
  } catch {
    throw badArgument('body', 'malformed multipart body');
  }
  for (const [k, v] of form.entries()) {
    if (typeof v === 'string') req.add(k, { text: v }, false);
    else {
      if (v.size > MAX_IMAGE_BYTES) throw tooLarge();
      req.add(k, { file: Buffer.from(await v.arrayBuffer()) }, false);
    }
  }
}


function countOccurrences(buf: Buffer, needle: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(needle); i !== -1; i = buf.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** A text parameter; a file part where text is expected is a bad argument. */
export function textParam(req: GatewayRequest, key: string): string | undefined {
  const v = req.params.get(key);
  if (!v) return undefined;
  if (!('text' in v)) throw badArgument(key);
  return v.text;
}

export function isFaceIdError(e: unknown): e is FaceIdError {
  return e instanceof FaceIdError;
}
