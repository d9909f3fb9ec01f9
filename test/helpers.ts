// Shared by the core tests: temporary folders, workflow files written into them, caches closed
// after each test, and where the fixtures live.
import { cp, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { MemorySource, WorkflowCache, type OpenOptions, type WorkflowCacheError } from '../src/index.node.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Our own fixtures: `workflow/` (three files), `parent/` (with `group/`), `invalid.toml`, `data-load.toml`. */
export const fixtures = join(here, 'fixtures');

/** The Go project's test files, kept outside the repository; absent on a bare clone. */
export const taskToolsFixtures = join(here, '../../shared/fixtures/task-tools');

/** A new temporary folder per call, removed after the test. */
export function useTempDirs(): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'workflow-cache-test-'));
    made.push(dir);
    return dir;
  };
}

/** Writes files (key to text) below `root`, making sub-folders as needed. */
export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [key, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, key)), { recursive: true });
    await writeFile(join(root, key), text);
  }
}

/**
 * {@link writeFiles}, each file put in place whole (written beside `root`, then renamed in): for
 * tests of a watcher that pin what one reload reports, which a refresh reading a file between
 * its truncation and its write would rightly report otherwise (its phases gone, then back).
 */
export async function placeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [key, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, key)), { recursive: true });
    await writeFile(`${root}.next`, text);
    await rename(`${root}.next`, join(root, key));
  }
}

/** Copies one of our fixtures (file or folder) into `dir` and returns the copy's path. */
export async function copyFixture(name: string, dir: string): Promise<string> {
  const to = join(dir, name);
  await cp(join(fixtures, name), to, { recursive: true });
  return to;
}

/** Every file name in a folder, sorted. */
export async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/**
 * Opens caches for a test and closes them after it; warnings are collected, not printed. Call it
 * after {@link useTempDirs}: after-hooks run last-registered first, so caches close (and save)
 * before their folders are removed.
 */
export function useCaches(): {
  open: (options: OpenOptions) => Promise<WorkflowCache>;
  openMemory: (files: Record<string, string>) => Promise<WorkflowCache>;
  warnings: WorkflowCacheError[];
} {
  const opened: WorkflowCache[] = [];
  const warnings: WorkflowCacheError[] = [];
  afterEach(async () => {
    for (const cache of opened.splice(0)) await cache.close();
    warnings.length = 0;
  });
  const open = async (options: OpenOptions) => {
    const cache = await WorkflowCache.open({ onWarning: (w) => warnings.push(w), ...options });
    opened.push(cache);
    return cache;
  };
  return { open, openMemory: (files) => open({ workflows: new MemorySource(files) }), warnings };
}

/** TOML for a list of phases, written as a user would. */
export function toml(...phases: Array<Partial<Record<'task' | 'rule' | 'dependsOn' | 'template', string>> & { retry?: number }>): string {
  return phases
    .map((p) => {
      const lines = ['[[phase]]'];
      for (const [key, value] of Object.entries(p)) lines.push(`${key} = ${typeof value === 'number' ? value : JSON.stringify(value)}`);
      return lines.join('\n');
    })
    .join('\n\n');
}
