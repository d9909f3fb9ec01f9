// The storage adapters on their own: MemoryStorage, FileStorage on real temporary files, and
// IndexedDBStorage against fake-indexeddb.
import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStore, get, keys } from 'idb-keyval';
import { describe, expect, it, vi } from 'vitest';
import { FileStorage, IndexedDBStorage, MemorySource, MemoryStorage } from '../src/index.node.js';
import { filesIn, toml, useCaches, useTempDirs } from './helpers.js';

const image = (...values: number[]) => new Uint8Array(values);

describe('MemoryStorage', () => {
  it('loads undefined before anything is saved', async () => {
    expect(await new MemoryStorage().load()).toBeUndefined();
  });

  it('loads what was saved', async () => {
    const storage = new MemoryStorage();
    await storage.save(image(1, 2, 3));
    expect(await storage.load()).toEqual(image(1, 2, 3));
  });

  it('starts from an image given to it', async () => {
    expect(await new MemoryStorage(image(7)).load()).toEqual(image(7));
  });

  it('keeps its own copy of a saved image', async () => {
    const storage = new MemoryStorage();
    const bytes = image(1, 2, 3);
    await storage.save(bytes);
    bytes[0] = 9;
    expect(await storage.load()).toEqual(image(1, 2, 3));
  });

  it('hands out a copy, so a caller cannot change what it holds', async () => {
    const storage = new MemoryStorage(image(1));
    (await storage.load())![0] = 9;
    expect(await storage.load()).toEqual(image(1));
  });

  it('keeps images moved aside in asideImages, in order', async () => {
    const storage = new MemoryStorage();
    await storage.moveAside(image(1));
    await storage.moveAside(image(2));
    expect(storage.asideImages).toEqual([image(1), image(2)]);
  });
});

describe('FileStorage', () => {
  const tempDir = useTempDirs();

  it('loads undefined when the file does not exist', async () => {
    expect(await new FileStorage(join(await tempDir(), 'cache.sqlite')).load()).toBeUndefined();
  });

  it('loads what was saved', async () => {
    const storage = new FileStorage(join(await tempDir(), 'cache.sqlite'));
    await storage.save(image(1, 2, 3));
    expect(new Uint8Array((await storage.load())!)).toEqual(image(1, 2, 3));
  });

  it('writes the image to its path', async () => {
    const path = join(await tempDir(), 'cache.sqlite');
    await new FileStorage(path).save(image(4, 5));
    expect(new Uint8Array(await readFile(path))).toEqual(image(4, 5));
  });

  it('replaces a longer image with a shorter one entirely', async () => {
    const path = join(await tempDir(), 'cache.sqlite');
    const storage = new FileStorage(path);
    await storage.save(new Uint8Array(1000).fill(1));
    await storage.save(image(2, 2));
    expect(new Uint8Array(await readFile(path))).toEqual(image(2, 2));
  });

  it('leaves no temporary file behind after saving', async () => {
    const dir = await tempDir();
    const storage = new FileStorage(join(dir, 'cache.sqlite'));
    await storage.save(image(1));
    await storage.save(image(2));
    expect(await filesIn(dir)).toEqual(['cache.sqlite']);
  });

  it('saves by renaming a new file over the old one, not by writing into it', async () => {
    const path = join(await tempDir(), 'cache.sqlite');
    const storage = new FileStorage(path);
    await storage.save(image(1));
    const before = (await stat(path)).ino;
    await storage.save(image(2));
    expect((await stat(path)).ino).not.toBe(before);
  });

  it('moves an unusable file aside, keeping its bytes beside the path', async () => {
    const dir = await tempDir();
    const storage = new FileStorage(join(dir, 'cache.sqlite'));
    await storage.save(image(6, 6, 6));
    const aside = await storage.moveAside();
    expect([await filesIn(dir), new Uint8Array(await readFile(aside))]).toEqual([
      [expect.stringMatching(/^cache\.sqlite\.unusable-/)],
      image(6, 6, 6),
    ]);
  });

  it('keeps both files when two are moved aside within the same millisecond', async () => {
    const dir = await tempDir();
    const storage = new FileStorage(join(dir, 'cache.sqlite'));
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z'), toFake: ['Date'] });
    try {
      await storage.save(image(1));
      const first = await storage.moveAside();
      await storage.save(image(2));
      const second = await storage.moveAside();
      expect([await readFile(first), await readFile(second)].map((b) => [...b])).toEqual([[1], [2]]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('removes temporary files left by a process that died mid-save once it holds the lock', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'cache.sqlite.999999999.abc123.tmp'), 'torn');
    const storage = new FileStorage(join(dir, 'cache.sqlite'));
    await storage.acquire();
    await storage.release();
    expect(await filesIn(dir)).toEqual([]);
  });

  it('deletes nothing when it loads without the lock, as a reader', async () => {
    const dir = await tempDir();
    const name = 'cache.sqlite.999999999.abc123.tmp';
    await writeFile(join(dir, name), 'in progress, for all a reader can tell');
    await new FileStorage(join(dir, 'cache.sqlite')).load();
    expect(await filesIn(dir)).toEqual([name]);
  });

  it('refuses an empty path', () => {
    expect(() => new FileStorage('')).toThrow(TypeError);
  });
});

describe('IndexedDBStorage (fake-indexeddb)', () => {
  const caches = useCaches();
  const uniqueKey = () => `workflow-cache-${randomUUID()}`;

  it('loads undefined when nothing is stored under its key', async () => {
    expect(await new IndexedDBStorage(uniqueKey()).load()).toBeUndefined();
  });

  it('loads what was saved', async () => {
    const storage = new IndexedDBStorage(uniqueKey());
    await storage.save(image(1, 2, 3));
    expect(await storage.load()).toEqual(image(1, 2, 3));
  });

  it('keeps images under different keys apart', async () => {
    const a = new IndexedDBStorage(uniqueKey());
    const b = new IndexedDBStorage(uniqueKey());
    await a.save(image(1));
    await b.save(image(2));
    expect([await a.load(), await b.load()]).toEqual([image(1), image(2)]);
  });

  it('uses an idb-keyval store passed to it', async () => {
    const store = createStore(`db-${randomUUID()}`, 'images');
    const key = uniqueKey();
    await new IndexedDBStorage(key, store).save(image(5));
    expect(await get(key, store)).toEqual(image(5));
  });

  it('copies an unusable image to a key beside its own', async () => {
    const store = createStore(`db-${randomUUID()}`, 'images');
    const storage = new IndexedDBStorage('cache', store);
    await storage.moveAside(image(9, 9));
    const aside = (await keys(store)).map(String).filter((k) => k.startsWith('cache.unusable-'));
    expect(await get(aside[0], store)).toEqual(image(9, 9));
  });

  it('keeps a value that is not an image as it was when moving it aside', async () => {
    const store = createStore(`db-${randomUUID()}`, 'images');
    const storage = new IndexedDBStorage('cache', store);
    await storage.save('not an image' as unknown as Uint8Array);
    await storage.moveAside((await storage.load())!);
    const aside = (await keys(store)).map(String).find((k) => k.startsWith('cache.unusable-'))!;
    expect(await get(aside, store)).toBe('not an image');
  });

  it('round-trips a cache: reopened with unchanged files, it loads nothing anew', async () => {
    const storage = new IndexedDBStorage(uniqueKey());
    const source = new MemorySource({ 'a.toml': toml({ task: 'a', rule: 'cron=0 0 * * *' }) });
    await (await caches.open({ workflows: source, storage })).close();
    const reopened = await caches.open({ workflows: source, storage });
    expect(await reopened.refresh()).toEqual([]);
  });

  it('round-trips a cache: reopened, it answers the same', async () => {
    const storage = new IndexedDBStorage(uniqueKey());
    const source = new MemorySource({ 'a.toml': toml({ task: 'a', rule: 'cron=0 0 * * *', template: '?x' }) });
    await (await caches.open({ workflows: source, storage })).close();
    const reopened = await caches.open({ workflows: source, storage });
    expect(reopened.get({ type: 'a', meta: 'workflow=a.toml' }).template).toBe('?x');
  });
});
