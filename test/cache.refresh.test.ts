// Loading and refreshing from disk: Go's TestRefresh, TestNew and TestLoadFile in our words.
import { createHash } from 'node:crypto';
import { readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemorySource, RefreshError, WorkflowCache, WorkflowPathError } from '../src/index.node.js';
import { copyFixture, fixtures, toml, useCaches, useTempDirs, writeFiles } from './helpers.js';

const fileKeys = (cache: WorkflowCache) => cache.query('SELECT file_path FROM workflow_files ORDER BY file_path').map((r) => r.file_path);

describe('refresh() and open() (Go TestRefresh)', () => {
  const tempDir = useTempDirs();
  const caches = useCaches();

  it('loads a single file under its name', async () => {
    const cache = await caches.open({ workflows: join(fixtures, 'workflow/f1.toml') });
    expect(fileKeys(cache)).toEqual(['f1.toml']);
  });

  it('reports a single file as not a folder', async () => {
    const cache = await caches.open({ workflows: join(fixtures, 'workflow/f1.toml') });
    expect(cache.isDir()).toBe(false);
  });

  it('loads every file of a folder', async () => {
    const cache = await caches.open({ workflows: join(fixtures, 'workflow') });
    expect(fileKeys(cache)).toEqual(['f1.toml', 'f2.toml', 'jobs.toml']);
  });

  it('reports a folder as a folder', async () => {
    const cache = await caches.open({ workflows: join(fixtures, 'workflow') });
    expect(cache.isDir()).toBe(true);
  });

  it('loads sub-folders, keyed by the path below the workflows folder', async () => {
    const cache = await caches.open({ workflows: join(fixtures, 'parent') });
    expect(fileKeys(cache)).toEqual(['f1.toml', 'group/f3.toml']);
  });

  it('loads a file in a sub-folder named like the workflows folder under its own key', async () => {
    const dir = join(await tempDir(), 'workflows');
    await writeFiles(dir, { 'etl.toml': toml({ task: 'top', rule: 'cron=0 0 * * *' }), 'team/workflows/etl.toml': toml({ task: 'nested', rule: 'cron=0 0 * * *' }) });
    const cache = await caches.open({ workflows: dir });
    expect([fileKeys(cache), cache.search('nested').path]).toEqual([['etl.toml', 'team/workflows/etl.toml'], 'team/workflows/etl.toml']);
  });

  it('reports a removed file as -key and forgets its phases', async () => {
    const folder = await copyFixture('workflow', await tempDir());
    const cache = await caches.open({ workflows: folder });
    await rm(join(folder, 'f2.toml'));
    expect(await cache.refresh()).toEqual(['-f2.toml']);
    expect(cache.query("SELECT count(*) AS n FROM workflow_phases WHERE file_path = 'f2.toml'")).toEqual([{ n: 0 }]);
  });

  it('resolves [] when nothing changed', async () => {
    const cache = await caches.open({ workflows: join(fixtures, 'workflow') });
    expect(await cache.refresh()).toEqual([]);
  });

  it('reloads only the file that changed', async () => {
    const folder = await copyFixture('workflow', await tempDir());
    const cache = await caches.open({ workflows: folder });
    await writeFile(join(folder, 'f2.toml'), toml({ task: 'extract', rule: 'cron=5 0 * * *' }));
    expect(await cache.refresh()).toEqual(['f2.toml']);
  });

  /** Two files in memory, and the rowids of a.toml's phases, which change when it is written anew. */
  async function twoFiles() {
    const source = new MemorySource({ 'a.toml': toml({ task: 'a', rule: 'cron=0 0 * * *' }), 'b.toml': toml({ task: 'b', rule: 'cron=0 0 * * *' }) });
    const cache = await caches.open({ workflows: source });
    const rowsOfA = () => cache.query("SELECT rowid FROM workflow_phases WHERE file_path = 'a.toml'");
    return { source, cache, rowsOfA };
  }

  it('does not reload unchanged files: their phase rows stay the same rows', async () => {
    const { source, cache, rowsOfA } = await twoFiles();
    const before = rowsOfA();
    source.set('b.toml', toml({ task: 'b', rule: 'cron=1 0 * * *' }));
    await cache.refresh();
    expect(rowsOfA()).toEqual(before);
  });

  it('does reload a changed file: its phase rows are written anew', async () => {
    const { source, cache, rowsOfA } = await twoFiles();
    const before = rowsOfA();
    source.set('a.toml', toml({ task: 'a', rule: 'cron=1 0 * * *' }));
    await cache.refresh();
    expect(rowsOfA()).not.toEqual(before);
  });

  it('does not reload a file whose time changed but whose bytes did not', async () => {
    const folder = await copyFixture('workflow', await tempDir());
    const cache = await caches.open({ workflows: folder });
    const later = new Date(Date.now() + 60_000);
    await utimes(join(folder, 'f2.toml'), later, later);
    expect(await cache.refresh()).toEqual([]);
  });

  it('notices an edit that keeps the size, made right after the last refresh', async () => {
    const folder = await copyFixture('workflow', await tempDir());
    const cache = await caches.open({ workflows: folder });
    const text = await readFile(join(folder, 'f2.toml'), 'utf8');
    await writeFile(join(folder, 'f2.toml'), text.replace('cron=0 0 * * *', 'cron=9 9 * * *'));
    expect(await cache.refresh()).toEqual(['f2.toml']);
  });

  it('reports a new file by its key', async () => {
    const folder = await copyFixture('workflow', await tempDir());
    const cache = await caches.open({ workflows: folder });
    await writeFile(join(folder, 'added.toml'), toml({ task: 'new', rule: 'cron=0 0 * * *' }));
    expect(await cache.refresh()).toEqual(['added.toml']);
  });

  it('lists files loaded anew in key order, then the removed ones', async () => {
    const source = new MemorySource({ 'b.toml': toml({ task: 'b', rule: 'cron=0 0 * * *' }), 'gone.toml': toml({ task: 'g', rule: 'cron=0 0 * * *' }) });
    const cache = await caches.open({ workflows: source });
    source.delete('gone.toml');
    source.set('c.toml', toml({ task: 'c', rule: 'cron=0 0 * * *' }));
    source.set('a.toml', toml({ task: 'a', rule: 'cron=0 0 * * *' }));
    expect(await cache.refresh()).toEqual(['a.toml', 'c.toml', '-gone.toml']);
  });

  it('answers with the new phases after a file changed', async () => {
    const source = new MemorySource({ 'a.toml': toml({ task: 'a', rule: 'cron=0 0 * * *', template: 'old' }) });
    const cache = await caches.open({ workflows: source });
    source.set('a.toml', toml({ task: 'a', rule: 'cron=0 0 * * *', template: 'new' }));
    await cache.refresh();
    expect(cache.get({ type: 'a', meta: 'workflow=a.toml' }).template).toBe('new');
  });

  it('rejects when the workflows folder disappears', async () => {
    const folder = await copyFixture('workflow', await tempDir());
    const cache = await caches.open({ workflows: folder });
    await rm(folder, { recursive: true });
    await expect(cache.refresh()).rejects.toThrow(WorkflowPathError);
  });
});

describe('open() on a path that is not there (Go TestNew)', () => {
  const caches = useCaches();

  it('opens a single existing file', async () => {
    const cache = await caches.open({ workflows: join(fixtures, 'workflow/f1.toml') });
    expect(cache.phases().length).toBeGreaterThan(0);
  });

  it('rejects a missing folder with WorkflowPathError naming it', async () => {
    const missing = join(fixtures, 'no-such-folder');
    await expect(WorkflowCache.open({ workflows: missing })).rejects.toThrow(
      expect.objectContaining({ name: 'WorkflowPathError', path: missing, message: expect.stringContaining(missing) }),
    );
  });

  it('rejects a missing file naming it', async () => {
    const missing = join(fixtures, 'workflow/missing.toml');
    await expect(WorkflowCache.open({ workflows: missing })).rejects.toThrow(missing);
  });
});

describe('loading a file (Go TestLoadFile)', () => {
  const caches = useCaches();

  it('records the md5 of the file bytes as file_hash', async () => {
    const path = join(fixtures, 'workflow/f1.toml');
    const md5 = createHash('md5').update(await readFile(path)).digest('hex');
    const cache = await caches.open({ workflows: path });
    expect(cache.query('SELECT file_hash FROM workflow_files')).toEqual([{ file_hash: md5 }]);
  });

  it('reports a file that is not TOML, naming it with line and column', async () => {
    const cache = await caches.open({ workflows: join(fixtures, 'invalid.toml') });
    expect(cache.failures()).toEqual([expect.objectContaining({ file: 'invalid.toml', line: 1, column: 6 })]);
  });

  it('warns at open about a file that failed, with a RefreshError', async () => {
    await caches.open({ workflows: join(fixtures, 'invalid.toml') });
    expect(caches.warnings).toEqual([expect.any(RefreshError)]);
  });

  it('loads no phases from a file that is not TOML', async () => {
    const cache = await caches.open({ workflows: join(fixtures, 'invalid.toml') });
    expect(cache.phases()).toEqual([]);
  });
});
