import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { WorkflowCache, type WorkflowCacheError } from '../../src/index.node.js';

/** A fresh folder under the system temp folder, removed when the test ends. */
export async function tempFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'workflow-cache-faults-'));
  onTestFinished(() => rm(folder, { recursive: true, force: true }));
  return folder;
}

/** The names in a folder other than the database itself, sorted: temp files, locks, files moved aside. */
export async function leftovers(folder: string, database: string): Promise<string[]> {
  return (await readdir(folder)).filter((name) => name !== database).sort();
}

/** Warnings an open reports, collected instead of printed. */
export function warnings(): { list: WorkflowCacheError[]; onWarning: (w: WorkflowCacheError) => void } {
  const list: WorkflowCacheError[] = [];
  return { list, onWarning: (w) => list.push(w) };
}

/** A cache closed when the test ends, whatever happens in it. */
export async function openCache(options: Parameters<typeof WorkflowCache.open>[0]): Promise<WorkflowCache> {
  const cache = await WorkflowCache.open(options);
  onTestFinished(() => cache.close());
  return cache;
}

/** Two-phase workflow text whose phases carry `mark`, so a test can tell versions apart. */
export function markedWorkflow(name: string, mark: string, phases = 2): string {
  let text = `[[phase]]\ntask = "${name}-1"\nrule = "cron=0 * * * *"\ntemplate = "${mark}"\n\n`;
  for (let i = 2; i <= phases; i++) {
    text += `[[phase]]\ntask = "${name}-${i}"\ndependsOn = "${name}-${i - 1}"\ntemplate = "${mark}"\n\n`;
  }
  return text;
}
