// What a contributor's `npm ci` does: it must not build anything (better-sqlite3, the benchmarks'
// native baseline, lives in bench/package.json and is installed by the first `npm run bench`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { repoRoot } from './consumer.js';

test('no package in the lock file runs an install script, so npm ci compiles nothing', () => {
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
  const withScripts = Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([path]) => path);
  expect(withScripts).toEqual([]);
});
