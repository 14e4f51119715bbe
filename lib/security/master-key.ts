import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { log } from '../log';
import { ensurePrivateDir, tighten } from './file-modes';

/**
 * The root secret for everything encrypted at rest. CLOUDAUTH_MASTER_KEY may be any string of
 * at least 32 characters (hex, base64 or a passphrase); purpose keys are derived from it with
 * HKDF so one leak of a derived key does not expose the others.
 */
export function resolveMasterKey(configured: string | undefined, dataDir: string): Buffer {
  ensurePrivateDir(dataDir);
  if (configured) {
    if (configured.length < 32) throw new Error('CLOUDAUTH_MASTER_KEY must be at least 32 characters');
    return Buffer.from(configured, 'utf8');
  }
  const file = path.join(dataDir, 'master.key');
  if (fs.existsSync(file)) {
    tighten(file, 0o600);
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'utf8');
  }
  const generated = crypto.randomBytes(32).toString('base64url');
  fs.writeFileSync(file, generated + '\n', { mode: 0o600, flag: 'wx' });
  log.warn({ file }, 'CLOUDAUTH_MASTER_KEY is not set: generated one into DATA_DIR. Back it up; losing it makes stored secrets and images unreadable.');
  return Buffer.from(generated, 'utf8');
}

export type KeyPurpose = 'access-key-secrets' | 'blobs' | 'identity' | 'url-signing' | 'console-oidc';

export function deriveKey(master: Buffer, purpose: KeyPurpose): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), `open-cloudauth:${purpose}`, 32));
}
