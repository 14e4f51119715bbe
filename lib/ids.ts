import crypto from 'node:crypto';

/** Time-ordered ids (sortable by creation) with 80 random bits so they are not guessable. */
export function newId(prefix = ''): string {
  return `${prefix}${Date.now().toString(36).padStart(9, '0')}${crypto.randomBytes(10).toString('hex')}`;
}

/** RequestId in the shape Aliyun uses (an upper-case UUID). */
export function newRequestId(): string {
  return crypto.randomUUID().toUpperCase();
}

export function sha256Hex(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}
