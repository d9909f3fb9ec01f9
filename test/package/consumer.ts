// A throwaway project outside the repository that depends on the built package, as a user's does.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface Consumer {
  dir: string;
  write(path: string, text: string): string;
  remove(): void;
}

export function makeConsumer(): Consumer {
  const dir = mkdtempSync(join(tmpdir(), 'workflow-cache-consumer-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(repoRoot, join(dir, 'node_modules', 'workflow-cache'), 'dir');
  return {
    dir,
    write(path, text) {
      const full = join(dir, path);
      mkdirSync(join(full, '..'), { recursive: true });
      writeFileSync(full, text);
      return full;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
