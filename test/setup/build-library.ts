// Builds the package once per test run, for tests that use it as users do (dist/, the bin).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default function buildLibrary(): void {
  if (process.env.WORKFLOW_CACHE_TEST_BUILT === '1') return;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  process.env.WORKFLOW_CACHE_TEST_BUILT = '1';
}
