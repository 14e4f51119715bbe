/** Each evidence frame is a JPEG of at most 2 MB (Cloudauth's image limit). */
export const MAX_EVIDENCE_BYTES = 2 * 1024 * 1024;

export type EvidenceRole = 'best' | 'before' | 'peak' | 'after';

export function isJpeg(buf: Uint8Array): boolean {
  return buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff;
}
