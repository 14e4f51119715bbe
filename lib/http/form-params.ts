import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Bounded `application/x-www-form-urlencoded` parsing for request bodies and query strings that
 * arrive before anyone is authenticated. Hand-written instead of URLSearchParams because:
 *   - the pair count is checked with Buffer#indexOf before anything is decoded (URLSearchParams
 *     decodes all ~900 000 pairs of a hostile 8 MB body first, ~400 ms on one core);
 *   - large values are decoded in slices with a yield to the event loop between them, so one
 *     legitimate 8 MB image body never holds the loop for more than a few milliseconds
 *     (URLSearchParams takes 90–190 ms in one go for 8 MB).
 * Semantics match URLSearchParams: '+' is a space, a malformed %XX stays literal, invalid UTF-8
 * becomes U+FFFD, a pair without '=' has the empty value, empty pairs are ignored.
 */

export interface ParamLimits {
  /** Pairs (empty ones included) allowed in one body or query string. */
  maxParams: number;
  /** Characters of a decoded key. */
  maxKeyLength: number;
  /** Characters of a decoded value. */
  maxValueLength: number;
}

export type ParamLimitKind = 'TOO_MANY' | 'KEY_TOO_LONG' | 'VALUE_TOO_LONG' | 'REPEATED';

export class ParamLimitError extends Error {
  constructor(
    readonly kind: ParamLimitKind,
    message: string,
  ) {
    super(message);
    this.name = 'ParamLimitError';
  }
}

/** Bytes decoded between two yields to the event loop (≈1–3 ms of work on this machine). */
export const SLICE_BYTES = 256 * 1024;

const AMP = 0x26;
const EQ = 0x3d;

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Percent-decodes src[start, end) to a string, yielding between slices when it is large. */
async function decodeComponent(src: Buffer, start: number, end: number): Promise<string> {
  const len = end - start;
  if (len === 0) return '';
  const dst = Buffer.allocUnsafe(len);
  const td = new TextDecoder('utf-8');
  const parts: string[] = [];
  let di = 0;
  let flushed = 0;
  let sliceEnd = start + SLICE_BYTES;
  for (let i = start; i < end; ) {
    const c = src[i]!;
    if (c === 0x2b) {
      dst[di++] = 0x20;
      i++;
    } else if (c === 0x25 && i + 2 < end) {
      const h = hexVal(src[i + 1]!);
      const l = hexVal(src[i + 2]!);
      if (h >= 0 && l >= 0) {
        dst[di++] = (h << 4) | l;
        i += 3;
      } else {
        dst[di++] = c;
        i++;
      }
    } else {
      dst[di++] = c;
      i++;
    }
    if (i >= sliceEnd && i < end) {
      parts.push(td.decode(dst.subarray(flushed, di), { stream: true }));
      flushed = di;
      sliceEnd = i + SLICE_BYTES;
      await nextTurn();
    }
  }
  parts.push(td.decode(dst.subarray(flushed, di)));
  return parts.length === 1 ? parts[0]! : parts.join('');
}

/**
 * Parses a urlencoded body (or a query string without its '?') into ordered pairs, refusing
 * input beyond `limits` before decoding it.
 */
export async function parseUrlEncoded(input: Buffer | string, limits: ParamLimits): Promise<Array<[string, string]>> {
  const src = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  if (src.length === 0) return [];
  // Count pairs first: O(maxParams) indexOf calls, whatever the body holds. `bounds` holds two
  // offsets per pair.
  const bounds: number[] = [];
  let pos = 0;
  for (;;) {
    if (bounds.length / 2 >= limits.maxParams) {
      throw new ParamLimitError('TOO_MANY', `A request may carry at most ${limits.maxParams} parameters`);
    }
    const amp = src.indexOf(AMP, pos);
    const end = amp === -1 ? src.length : amp;
    bounds.push(pos, end);
    if (amp === -1) break;
    pos = amp + 1;
  }
  const out: Array<[string, string]> = [];
  for (let b = 0; b < bounds.length; b += 2) {
    const start = bounds[b]!;
    const end = bounds[b + 1]!;
    if (start === end) continue;
    let eq = src.indexOf(EQ, start);
    if (eq === -1 || eq > end) eq = end;
    // Encoded length bounds decoded length from above; 3 bytes per %XX bounds it from below.
    if (eq - start > limits.maxKeyLength * 12) throw new ParamLimitError('KEY_TOO_LONG', `A parameter name is longer than ${limits.maxKeyLength} characters`);
    const key = await decodeComponent(src, start, eq);
    if (key.length > limits.maxKeyLength) throw new ParamLimitError('KEY_TOO_LONG', `A parameter name is longer than ${limits.maxKeyLength} characters`);
    const valueStart = Math.min(eq + 1, end);
    if ((end - valueStart) / 3 > limits.maxValueLength) throw new ParamLimitError('VALUE_TOO_LONG', `The parameter "${safeName(key)}" is longer than ${limits.maxValueLength} characters`);
    const value = await decodeComponent(src, valueStart, end);
    if (value.length > limits.maxValueLength) throw new ParamLimitError('VALUE_TOO_LONG', `The parameter "${safeName(key)}" is longer than ${limits.maxValueLength} characters`);
    out.push([key, value]);
  }
  return out;
}

/** A parameter name as it may appear in an error message (never a value). */
export function safeName(key: string): string {
  return key.replace(/[^\w.-]/g, '?').slice(0, 64);
}

/**
 * Merges pairs into one record, refusing a key that appears twice (within a source or across
 * the query and the body): the official clients never repeat one, and a repeated key is how an
 * unsigned value gets next to a signed one.
 */
export function mergeUnique(into: Record<string, string>, pairs: Iterable<[string, string]>): Record<string, string> {
  for (const [k, v] of pairs) {
    if (Object.prototype.hasOwnProperty.call(into, k)) throw new ParamLimitError('REPEATED', `The parameter "${safeName(k)}" appears more than once`);
    // defineProperty: a key named __proto__ must stay a plain entry.
    Object.defineProperty(into, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return into;
}
