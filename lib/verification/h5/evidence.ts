import type { LivenessAction } from '../../store/scenes';

/** Each evidence frame is a JPEG of at most 2 MB (Cloudauth's image limit). */
export const MAX_EVIDENCE_BYTES = 2 * 1024 * 1024;

export type EvidenceRole = 'best' | 'before' | 'peak' | 'after';

export interface EvidenceSlot {
  idx: number;
  role: EvidenceRole;
  action: LivenessAction | null;
}

/**
 * The frame layout is fixed by the server's challenge list, so the client never labels its own
 * frames: index 0 is the best (frontal) frame; challenge k (0-based) owns indices 1+3k, 2+3k,
 * 3+3k = a frame before the action, its peak, and a frame after it. The labels only say which
 * frames to compare; every property is re-measured on the pixels.
 */
export function evidenceLayout(challenges: readonly LivenessAction[]): EvidenceSlot[] {
  const slots: EvidenceSlot[] = [{ idx: 0, role: 'best', action: null }];
  challenges.forEach((action, k) => {
    slots.push({ idx: 1 + 3 * k, role: 'before', action }, { idx: 2 + 3 * k, role: 'peak', action }, { idx: 3 + 3 * k, role: 'after', action });
  });
  return slots;
}

export function isJpeg(buf: Uint8Array): boolean {
  return buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff;
}
