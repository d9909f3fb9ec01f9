// Bad input loses nothing: a missing path is named, a broken file keeps its last good phases
// while the others load, its failure can be queried, and a closed cache says so.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CacheClosedError, MemorySource, RefreshError, WorkflowCache, WorkflowPathError } from '../src/index.node.js';
import { toml, useCaches, useTempDirs, writeFiles } from './helpers.js';

/** Runs `work` and returns what it rejected with. */
async function rejection(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('a missing workflows path', () => {
  it('makes open reject with WorkflowPathError naming the path', async () => {
    const missing = join('/nonexistent', 'workflows');
    await expect(WorkflowCache.open({ workflows: missing })).rejects.toThrow(
      expect.objectContaining({ constructor: WorkflowPathError, path: missing, message: expect.stringContaining(missing) }),
    );
  });
});

describe('a workflow file with bad TOML', () => {
  const tempDir = useTempDirs();
  const caches = useCaches();
  const good = toml({ task: 'a', rule: 'cron=0 0 * * *', template: 'last good' });
  const broken = '[[phase]]\ntask = "a"\nrule = oops\n';
  let dir: string;
  let cache: WorkflowCache;

  beforeEach(async () => {
    dir = await tempDir();
    await writeFiles(dir, { 'a.toml': good, 'b.toml': toml({ task: 'b', rule: 'cron=0 0 * * *' }) });
    cache = await caches.open({ workflows: dir });
    await writeFile(join(dir, 'a.toml'), broken);
  });

  it('makes refresh reject with RefreshError naming file:line:column', async () => {
    expect(await rejection(() => cache.refresh())).toEqual(
      expect.objectContaining({ constructor: RefreshError, message: expect.stringMatching(/a\.toml:3:\d+: /) }),
    );
  });

  it('keeps the last good phases of that file', async () => {
    await cache.refresh().catch(() => {});
    expect(cache.get({ type: 'a', meta: 'workflow=a.toml' }).template).toBe('last good');
  });

  it('still loads the other files, listed in error.changed', async () => {
    await writeFile(join(dir, 'b.toml'), toml({ task: 'b', rule: 'cron=5 0 * * *' }));
    const error = (await rejection(() => cache.refresh())) as RefreshError;
    expect([error.changed, cache.get({ type: 'b', meta: 'workflow=b.toml' }).rule]).toEqual([['b.toml'], 'cron=5 0 * * *']);
  });

  it('shows the failure in failures()', async () => {
    await cache.refresh().catch(() => {});
    expect(cache.failures()).toEqual([{ file: 'a.toml', reason: expect.any(String), line: 3, column: expect.any(Number) }]);
  });

  it('shows the failure in workflow_load_errors', async () => {
    await cache.refresh().catch(() => {});
    expect(cache.query('SELECT file_path, line FROM workflow_load_errors')).toEqual([{ file_path: 'a.toml', line: 3 }]);
  });

  it('retries the file on the next refresh even when it is unchanged', async () => {
    await cache.refresh().catch(() => {});
    await expect(cache.refresh()).rejects.toThrow(RefreshError);
  });

  it('clears the failure once the file is fixed', async () => {
    await cache.refresh().catch(() => {});
    await writeFile(join(dir, 'a.toml'), toml({ task: 'a', rule: 'cron=0 0 * * *', template: 'fixed' }));
    expect([await cache.refresh(), cache.failures(), cache.query('SELECT * FROM workflow_load_errors')]).toEqual([['a.toml'], [], []]);
  });

  it('loads the fixed phases', async () => {
    await cache.refresh().catch(() => {});
    await writeFile(join(dir, 'a.toml'), toml({ task: 'a', rule: 'cron=0 0 * * *', template: 'fixed' }));
    await cache.refresh();
    expect(cache.get({ type: 'a', meta: 'workflow=a.toml' }).template).toBe('fixed');
  });

  it('loads a fixed file even when it is fixed back to the last good text', async () => {
    await cache.refresh().catch(() => {});
    await writeFile(join(dir, 'a.toml'), good);
    expect([await cache.refresh(), cache.failures()]).toEqual([['a.toml'], []]);
  });
});

describe('a file that fails when the cache opens', () => {
  const caches = useCaches();

  it('does not stop open; the others load and the failure is kept', async () => {
    const cache = await caches.openMemory({ 'bad.toml': 'not toml', 'ok.toml': toml({ task: 'ok', rule: 'cron=0 0 * * *' }) });
    expect([cache.search('ok').path, cache.failures().map((f) => f.file)]).toEqual(['ok.toml', ['bad.toml']]);
  });

  it('is reported through onWarning', async () => {
    await caches.openMemory({ 'bad.toml': 'not toml' });
    expect(caches.warnings).toEqual([expect.objectContaining({ constructor: RefreshError, message: expect.stringContaining('bad.toml:1:') })]);
  });
});

describe('values of the wrong type', () => {
  const caches = useCaches();

  it.each([
    ['retry = "x"', '[[phase]]\ntask = "a"\nrule = "cron=0 0 * * *"\nretry = "x"\n', 'retry'],
    ['task = 5', '[[phase]]\ntask = 5\n', 'task'],
    ['phase not an array', 'phase = "a"\n', 'phase'],
  ])('fail to load (%s), naming the file and the key', async (_, text, key) => {
    const cache = await caches.openMemory({ 'typed.toml': text });
    expect(cache.failures()).toEqual([{ file: 'typed.toml', reason: expect.stringContaining(key) }]);
  });

  it('keep the last good phases of the file', async () => {
    const source = new MemorySource({ 'typed.toml': toml({ task: 'a', rule: 'cron=0 0 * * *', retry: 1 }) });
    const cache = await caches.open({ workflows: source });
    source.set('typed.toml', '[[phase]]\ntask = "a"\nrule = "cron=0 0 * * *"\nretry = "x"\n');
    await cache.refresh().catch(() => {});
    expect(cache.get({ type: 'a', meta: 'workflow=typed.toml' }).retry).toBe(1);
  });
});

describe('a closed cache', () => {
  let cache: WorkflowCache;
  beforeEach(async () => {
    const source = new MemorySource({ 'a.toml': toml({ task: 'a', rule: 'cron=0 0 * * *' }) });
    cache = await WorkflowCache.open({ workflows: source });
    await cache.close();
  });

  it.each([
    ['get', (c: WorkflowCache) => c.get({ type: 'a', meta: 'workflow=a.toml' })],
    ['children', (c: WorkflowCache) => c.children({ type: 'a', meta: 'workflow=a.toml' })],
    ['search', (c: WorkflowCache) => c.search('a')],
    ['query', (c: WorkflowCache) => c.query('SELECT 1')],
    ['isDir', (c: WorkflowCache) => c.isDir()],
  ])('throws CacheClosedError from %s()', (_, use) => {
    expect(() => use(cache)).toThrow(CacheClosedError);
  });

  it('rejects refresh() with CacheClosedError', async () => {
    await expect(cache.refresh()).rejects.toThrow(CacheClosedError);
  });

  it('names the method and says to open a new cache', () => {
    expect(() => cache.get({ type: 'a' })).toThrow(/get\(\).*close\(\).*open a new cache/);
  });

  it('can be closed again without error', async () => {
    await expect(cache.close()).resolves.toBeUndefined();
  });
});

