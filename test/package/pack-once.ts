// Packs the built repository once for the whole package project: every file installs the same
// tarball, as users get it, instead of running `npm pack` (seconds of npm each) for itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The tarball `npm pack` made of the built repository. */
export interface Tarball {
  /** The tarball, as a user would `npm i ./workflow-cache-x.y.z.tgz` it. */
  tarball: string;
  /** Every path in the tarball, as `npm pack` lists them. */
  files: string[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    packedTarball: Tarball;
  }
}

export default function packOnce(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'workflow-cache-pack-'));
  const [report] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  ) as [{ filename: string; files: Array<{ path: string }> }];
  project.provide('packedTarball', { tarball: join(dir, report.filename), files: report.files.map((f) => f.path).sort() });
  return () => rmSync(dir, { recursive: true, force: true });
}
