// Runs `npm ci` only when node_modules does not match package-lock.json (a stamp of its hash), so
// repeated Maven builds do not reinstall. The packages come from the npm registry npm is set up for.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = readFileSync(join(root, 'package-lock.json'));
const hash = createHash('sha256').update(lock).digest('hex');
const stamp = join(root, 'node_modules', '.waldiez-lock-stamp');
if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
  console.log(`[console] node_modules up to date (lock ${hash.slice(0, 12)})`);
} else {
  console.log('[console] npm ci');
  const started = Date.now();
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, hash);
  console.log(`[console] npm ci took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
