// openSaved(): reading a saved database without its workflow files, and writing nothing.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemorySource, MemoryStorage, StorageError, WorkflowCache, WorkflowCacheError } from '../src/index.node.js';
import { toml, useCaches, useTempDirs } from './helpers.js';

const files = {
  'a.toml': toml({ task: 'a', rule: 'cron=0 0 * * *&job=daily' }, { task: 'b', dependsOn: 'a:daily', retry: 11 }),
  'broken.toml': '[[phase]\n',
};

describe('WorkflowCache.openSaved()', () => {
  const tempDir = useTempDirs();
  const caches = useCaches();

  /** A database file saved by a cache that is closed again. */
  async function saved(): Promise<string> {
    const path = join(await tempDir(), 'w.sqlite');
    await (await WorkflowCache.open({ workflows: new MemorySource(files), storage: path, onWarning: () => {} })).close();
    return path;
  }

  it('answers lookups as the cache that saved it did', async () => {
    const reader = await WorkflowCache.openSaved({ storage: await saved() });
    try {
      expect([reader.get({ type: 'a', meta: 'workflow=a.toml&job=daily' }).rule, reader.children({ type: 'a', job: 'daily', meta: 'workflow=a.toml' }).map((p) => p.task)]).toEqual([
        'cron=0 0 * * *&job=daily',
        ['b'],
      ]);
    } finally {
      await reader.close();
    }
  });

  it('reads the phases with their status, and the files that failed', async () => {
    const reader = await WorkflowCache.openSaved({ storage: await saved() });
    try {
      expect([reader.phases().map((p) => [p.task, p.status]), reader.failures().map((f) => f.file)]).toEqual([
        [['a', ''], ['b', 'warning: retry count exceeds recommended limit']],
        ['broken.toml'],
      ]);
    } finally {
      await reader.close();
    }
  });

  it('reads while a cache that writes holds the same file, and that cache still saves', async () => {
    const path = await saved();
    const source = new MemorySource(files);
    const writer = await caches.open({ workflows: source, storage: path });
    const reader = await WorkflowCache.openSaved({ storage: path });
    await reader.close();
    source.set('c.toml', toml({ task: 'c', rule: 'files=x' }));
    await writer.refresh().catch(() => {});
    const after = await WorkflowCache.openSaved({ storage: path });
    expect(after.search('c').path).toBe('c.toml');
    await after.close();
  });

  it('writes nothing, not even at close', async () => {
    const path = await saved();
    const before = [await readFile(path), (await stat(path)).mtimeMs];
    await (await WorkflowCache.openSaved({ storage: path })).close();
    expect([await readFile(path), (await stat(path)).mtimeMs]).toEqual(before);
  });

  it('refuses to refresh, saying it has no workflow files', async () => {
    const reader = await WorkflowCache.openSaved({ storage: await saved() });
    const error = await reader.refresh().catch((e: unknown) => e);
    await reader.close();
    expect([error instanceof WorkflowCacheError, (error as Error).message]).toEqual([true, expect.stringMatching(/no workflow files to refresh from/)]);
  });

  it('rejects storage that holds no database', async () => {
    await expect(WorkflowCache.openSaved({ storage: new MemoryStorage() })).rejects.toThrow(StorageError);
  });

  it('rejects an unusable file and leaves it as it was', async () => {
    const path = join(await tempDir(), 'notes.sqlite');
    await writeFile(path, 'not a database');
    await expect(WorkflowCache.openSaved({ storage: path })).rejects.toThrow(/not a SQLite database.*left as it is/);
    expect(await readFile(path, 'utf8')).toBe('not a database');
  });

  it('refuses an option it does not take', async () => {
    await expect(WorkflowCache.openSaved({ storage: new MemoryStorage(), workflows: 'x' } as never)).rejects.toThrow(TypeError);
  });
});
