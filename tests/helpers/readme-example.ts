import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Key } from './rpc';
import { ROOT, type RunningServer } from './server';

const run = promisify(execFile);

/** The first ```js block of the README section whose heading starts with `heading`, verbatim. */
export function readmeExample(heading: string): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(`\n## ${heading}`);
  if (at < 0) throw new Error(`README has no section "## ${heading}"`);
  const block = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error(`README section "${heading}" has no js example`);
  return block[1];
}

/**
 * Runs a README example as a partner would: saved to an .mjs file (inside node_modules/.cache so
 * the project's packages resolve), with the key and the endpoint in the environment it documents.
 * Returns what it printed.
 */
export function readmeExampleRunner(server: RunningServer, key: Key) {
  return async (heading: string, args: string[]): Promise<string> => {
    const dir = path.join(ROOT, 'node_modules', '.cache', 'readme-examples');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${heading.replace(/\W+/g, '-')}-${process.pid}.mjs`);
    fs.writeFileSync(file, readmeExample(heading));
    const { stdout } = await run(process.execPath, [file, ...args], {
      env: { ...process.env, CLOUDAUTH_URL: server.url, ACCESS_KEY_ID: key.id, ACCESS_KEY_SECRET: key.secret },
      timeout: 60_000,
    });
    return stdout.trim();
  };
}
