import crypto from 'node:crypto';
import { promisify } from 'node:util';

// Node's built-in scrypt (memory-hard KDF, RFC 7914): no native package, no hand-written crypto.
const scrypt = promisify(crypto.scrypt) as (pw: crypto.BinaryLike, salt: crypto.BinaryLike, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>;

/** N = 2^15, r = 8: 32 MiB and ~60 ms per hash on this machine's cores. */
const PARAMS = { N: 1 << 15, r: 8, p: 1 };
const KEY_LEN = 32;
const maxmem = (N: number, r: number) => 256 * N * r;

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password.normalize('NFKC'), salt, KEY_LEN, { ...PARAMS, maxmem: maxmem(PARAMS.N, PARAMS.r) });
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    // Same work for an unknown account or an OIDC-only one, so timing does not tell them apart.
    await hashPassword(password);
    return false;
  }
  const [, n, r, p, salt, hash] = parts;
  const N = Number(n), R = Number(r), P = Number(p);
  if (!(N >= 1024 && N <= 1 << 20 && R >= 1 && R <= 32 && P >= 1 && P <= 16)) return false;
  const expected = Buffer.from(hash!, 'base64url');
  const got = await scrypt(password.normalize('NFKC'), Buffer.from(salt!, 'base64url'), expected.length, { N, r: R, p: P, maxmem: maxmem(N, R) });
  return got.length === expected.length && crypto.timingSafeEqual(got, expected);
}

/** A random password for generated accounts (printed once). */
export function generatePassword(): string {
  return crypto.randomBytes(15).toString('base64url');
}
