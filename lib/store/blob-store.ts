import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { open, seal } from '../security/aead';

/**
 * Face images are biometric data: every blob is AES-256-GCM encrypted before it touches the disk,
 * bound to its key (AAD) so blobs cannot be swapped between records.
 */
export class BlobStore {
  constructor(
    private readonly dir: string,
    private readonly key: Buffer,
  ) {}

  async put(data: Buffer): Promise<string> {
    const key = crypto.randomBytes(16).toString('hex');
    const file = this.fileFor(key);
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    // Write-then-rename so a crash never leaves a half-written blob under a live key.
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, seal(this.key, data, key), { mode: 0o600 });
    await fs.rename(tmp, file);
    return key;
  }

  async get(key: string): Promise<Buffer> {
    return open(this.key, await fs.readFile(this.fileFor(key)), key);
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.fileFor(key), { force: true });
  }

  private fileFor(key: string): string {
    if (!/^[0-9a-f]{32}$/.test(key)) throw new Error('invalid blob key');
    return path.join(this.dir, key.slice(0, 2), `${key}.bin`);
  }
}
