import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Integration and e2e tests run against the real built app; build it once if sources changed. */
export default function setup() {
  const root = path.resolve(__dirname, '..');
  execFileSync(process.execPath, [path.join(root, 'scripts', 'ensure-build.mjs')], { cwd: root, stdio: 'inherit' });
}
