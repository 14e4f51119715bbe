import fs from 'node:fs';

/**
 * DATA_DIR holds the SQLite database (tickets, scores, user data, the audit trail), the master
 * key and the encrypted images: only the service's own user may read it. Directories are
 * created 0700 and files 0600; an existing directory or file of ours is tightened (a failure to
 * chmod something we do not own is left to the operator).
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir, 0o700);
}

/** Creates `file` empty with mode 0600 if it is missing, and tightens it if it exists. */
export function ensurePrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  tighten(file, 0o600);
}

export function tighten(p: string, mode: number): void {
  try {
    const st = fs.statSync(p);
    if ((st.mode & 0o777) !== mode && st.uid === process.getuid?.()) fs.chmodSync(p, mode);
  } catch {
    /* missing, or not ours */
  }
}
