// Throwaway projects outside the repository that depend on the package as `npm pack` ships it:
// the tarball's own files, nothing else of the source tree.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import type { Tarball } from './pack-once.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** What `npm pack` made of the built repository, unpacked where an install would put it. */
export interface Packed extends Tarball {
  /** A `node_modules` holding the unpacked package and its runtime dependencies. */
  nodeModules: string;
  /** Removes this unpacked install; the tarball is shared by the run and left alone. */
  remove(): void;
}

/**
 * Unpacks the tarball pack-once.ts made of the built repository for this run as npm installs it. The runtime dependencies
 * are linked from the repository's own install (the versions its lock file pins): a test run
 * needs no registry, and the package's files are still only those the tarball carries.
 */
export function packAndInstall(): Packed {
  const { tarball, files } = inject('packedTarball');
  const dir = mkdtempSync(join(tmpdir(), 'workflow-cache-packed-'));
  const nodeModules = join(dir, 'node_modules');
  const unpacked = join(nodeModules, 'workflow-cache');
  mkdirSync(unpacked, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
  const pkg = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of Object.keys(pkg.dependencies)) {
    mkdirSync(join(nodeModules, name, '..'), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules', name), join(nodeModules, name), 'dir');
  }
  return { tarball, files, nodeModules, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Consumer {
  dir: string;
  write(path: string, text: string): string;
  remove(): void;
}

/**
 * A project that has the packed install in its `node_modules` (linked: it is only read), and
 * `also` packages of the repository's own install, such as `@types/node` for a Node project.
 */
export function makeConsumer(packed: Packed, also: string[] = []): Consumer {
  const dir = mkdtempSync(join(tmpdir(), 'workflow-cache-consumer-'));
  const nodeModules = join(dir, 'node_modules');
  mkdirSync(nodeModules);
  for (const name of readdirSync(packed.nodeModules)) symlinkSync(join(packed.nodeModules, name), join(nodeModules, name), 'dir');
  for (const name of also) {
    mkdirSync(join(nodeModules, name, '..'), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules', name), join(nodeModules, name), 'dir');
  }
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
