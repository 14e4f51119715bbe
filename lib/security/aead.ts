import crypto from 'node:crypto';

/** AES-256-GCM. Layout: version byte, 12-byte IV, 16-byte tag, ciphertext. */
const VERSION = 1;

export function seal(key: Buffer, plaintext: Buffer, aad?: string): Buffer {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  if (aad) cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

export function open(key: Buffer, sealed: Buffer, aad?: string): Buffer {
  if (sealed.length < 29 || sealed[0] !== VERSION) throw new Error('sealed data has an unknown format');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
  if (aad) decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(13, 29));
  return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]);
}

export const sealString = (key: Buffer, text: string, aad?: string) => seal(key, Buffer.from(text, 'utf8'), aad).toString('base64');
export const openString = (key: Buffer, b64: string, aad?: string) => open(key, Buffer.from(b64, 'base64'), aad).toString('utf8');
