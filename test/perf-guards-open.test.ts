// open() lists the workflow files while the saved image is read (the two take about as long on a
// large cache), and that listing serves the refresh at open only: every later refresh lists anew.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStorage, FsSource, WorkflowCache, type StorageAdapter, type WorkflowSource } from '../src/index.node.js';
import { toml, useCaches, useTempDirs } from './helpers.js';

/** A folder of workflows and a database saved from it. */
async function savedCache(dir: string): Promise<{ folder: string; database: string }> {
  const folder = join(dir, 'workflows');
  const database = join(dir, 'cache.sqlite');
  await mkdir(folder);
  await writeFile(join(folder, 'a.toml'), toml({ task: 'a', rule: 'cron=0 * * * *' }));
  await (await WorkflowCache.open({ workflows: folder, storage: database })).close();
  return { folder, database };
}

/** The source and the storage, with what happens to them noted in order. */
function noting(events: string[], source: WorkflowSource, storage: FileStorage): { source: WorkflowSource; storage: StorageAdapter } {
  return {
    source: {
      isDir: source.isDir,
      location: source.location,
      list: () => {
        events.push('list');
        return source.list();
      },
      read: (key, limits) => source.read(key, limits),
    },
    storage: {
      location: storage.location,
      acquire: () => storage.acquire(),
      release: () => storage.release(),
      moveAside: () => storage.moveAside(),
      save: (image) => storage.save(image),
      load: () => {
        events.push('load');
        return storage.load().then((image) => {
          events.push('loaded');
          return image;
        });
      },
    },
  };
}

describe('open() from a saved image', () => {
  const tempDir = useTempDirs();
  const caches = useCaches();

  it('lists the workflow files while the image is read', async () => {
    const { folder, database } = await savedCache(await tempDir());
    const events: string[] = [];
    const { source, storage } = noting(events, await FsSource.open(folder), new FileStorage(database));
    await caches.open({ workflows: source, storage });
    expect(events).toEqual(['load', 'list', 'loaded']);
  });

  it('lists the files anew at each refresh after the open', async () => {
    const { folder, database } = await savedCache(await tempDir());
    const events: string[] = [];
    const { source, storage } = noting(events, await FsSource.open(folder), new FileStorage(database));
    const cache = await caches.open({ workflows: source, storage });
    await writeFile(join(folder, 'b.toml'), toml({ task: 'b', rule: 'cron=0 * * * *' }));
    expect(await cache.refresh()).toEqual(['b.toml']);
    expect(events.filter((e) => e === 'list')).toHaveLength(2);
  });
});
