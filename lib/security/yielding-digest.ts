import type { Hash, Hmac } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Feeds a large input to a hash in slices with a yield to the event loop between them, so an
 * 8 MB body never holds the loop for the ~20–100 ms one update() (or one encodeURIComponent of
 * the whole value) would take. Small inputs go through in one call.
 */
export const DIGEST_SLICE = 256 * 1024;

export async function updateBytesYielding(h: Hash | Hmac, data: Buffer): Promise<void> {
  for (let i = 0; i < data.length; i += DIGEST_SLICE) {
    if (i > 0) await nextTurn();
    h.update(data.subarray(i, i + DIGEST_SLICE));
  }
}

/**
 * Updates `h` with transform(text) slice by slice; `transform` must be per-character (like
 * percent-encoding), so the concatenation of transformed slices equals transform(text). Slices
 * never split a surrogate pair.
 */
export async function updateTextYielding(h: Hash | Hmac, text: string, transform: (s: string) => string): Promise<void> {
  if (text.length <= DIGEST_SLICE) {
    h.update(transform(text));
    return;
  }
  for (let i = 0; i < text.length; ) {
    let end = Math.min(text.length, i + DIGEST_SLICE);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    h.update(transform(text.slice(i, end)));
    i = end;
    if (i < text.length) await nextTurn();
  }
}
