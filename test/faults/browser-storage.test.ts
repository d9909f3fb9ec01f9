// In Node with fake-indexeddb: IndexedDB missing or refusing, a full quota,
// two tabs saving one key. The cache keeps working in memory, the caller is told, and the last
// saved image stays readable. (Real Chromium IndexedDB is covered by the browser tests.)
import { createRequire } from 'node:module';
import { IDBFactory } from 'fake-indexeddb';
import { createStore, set, type UseStore } from 'idb-keyval';
import initSqlJs from 'sql.js';
import { afterEach, beforeEach, expect, test } from 'vitest';
import {
  IndexedDBStorage,
  MemorySource,
  StorageError,
  UnusableDatabaseWarning,
  WorkflowCache,
  type StorageAdapter,
} from '../../src/index.browser.js';
import { markedWorkflow, warnings } from './helpers.js';

// The browser entry looks for the wasm beside its bundle; in Node it is in the sql.js package.
const require = createRequire(import.meta.url);
const sqlJs = { locateFile: (file: string) => require.resolve(`sql.js/dist/${file}`) };

const globals = globalThis as { indexedDB?: unknown };
let store: UseStore;
beforeEach(() => {
  globals.indexedDB = new IDBFactory();
  store = createStore('workflow-cache-faults', 'images');
});
afterEach(() => {
  delete globals.indexedDB;
});

const files = (mark: string) => ({ 'f.toml': markedWorkflow('t', mark, 3) });

/** The templates held by the image saved under `key`, read with SQLite itself. */
async function savedMarks(key: string): Promise<string[]> {
  const image = await new IndexedDBStorage(key, store).load();
  const SQL = await initSqlJs();
  const db = new SQL.Database(image);
  try {
    expect(db.exec('PRAGMA integrity_check')[0].values).toEqual([['ok']]);
    return db.exec('SELECT DISTINCT template FROM workflow_phases ORDER BY 1')[0]?.values.flat().map(String) ?? [];
  } finally {
    db.close();
  }
}

/** The browser's answer to a write beyond the quota, as a test double of the browser. */
class FullStorage implements StorageAdapter {
  full = false;
  readonly location: string;
  constructor(readonly inner: IndexedDBStorage) {
    this.location = inner.location;
  }
  load(): Promise<Uint8Array | undefined> {
    return this.inner.load();
  }
  async save(image: Uint8Array): Promise<void> {
    if (this.full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    await this.inner.save(image);
  }
}

test.each([
  ['indexedDB is not defined', () => delete globals.indexedDB],
  [
    'indexedDB.open throws, as in private windows',
    () => (globals.indexedDB = { open: () => { throw new DOMException('A mutation operation was attempted', 'InvalidStateError'); } }),
  ],
])('%s: the cache opens in memory and says so', async (_, breakIndexedDB) => {
  breakIndexedDB();
  const { list, onWarning } = warnings();
  const source = new MemorySource(files('one'));
  const cache = await WorkflowCache.open({ sqlJs, workflows: source, storage: new IndexedDBStorage('wf', createStore('x', 'y')), onWarning });

  expect(list).toHaveLength(1);
  expect(list[0]).toBeInstanceOf(StorageError);
  expect(list[0].message).toMatch(/IndexedDB key wf.*memory only/);
  expect(cache.get({ type: 't-2', meta: 'workflow=f.toml' }).template).toBe('one');
  source.set('f.toml', markedWorkflow('t', 'two', 3));
  expect(await cache.refresh()).toEqual(['f.toml']);
  expect(cache.get({ type: 't-2', meta: 'workflow=f.toml' }).template).toBe('two');
  await cache.close();
});

test('a full quota rejects the refresh with StorageError, keeps the new phases in memory and the last image readable', async () => {
  const storage = new FullStorage(new IndexedDBStorage('wf', store));
  const source = new MemorySource(files('saved'));
  const cache = await WorkflowCache.open({ sqlJs, workflows: source, storage });
  storage.full = true;
  source.set('f.toml', markedWorkflow('t', 'unsaved', 3));

  const error = await cache.refresh().then(() => undefined, (e: unknown) => e as StorageError);
  expect(error).toBeInstanceOf(StorageError);
  expect((error?.cause as DOMException).name).toBe('QuotaExceededError');
  expect(error?.message).toContain('keeps working in memory');
  expect(cache.get({ type: 't-3', meta: 'workflow=f.toml' }).template).toBe('unsaved');
  expect(await savedMarks('wf')).toEqual(['saved']);

  storage.full = false;
  await cache.close();
  expect(await savedMarks('wf'), 'the next save, at close, lands').toEqual(['unsaved']);
});

test('a full quota at close rejects close with StorageError and leaves the last image readable', async () => {
  const storage = new FullStorage(new IndexedDBStorage('wf', store));
  const source = new MemorySource(files('saved'));
  const cache = await WorkflowCache.open({ sqlJs, workflows: source, storage });
  storage.full = true;
  source.set('f.toml', markedWorkflow('t', 'unsaved', 3));
  await expect(cache.refresh()).rejects.toThrow(StorageError);

  await expect(cache.close()).rejects.toThrow(StorageError);
  expect(await savedMarks('wf')).toEqual(['saved']);
});

test('two tabs saving one key: both keep working, the last save wins whole', async () => {
  const source1 = new MemorySource(files('tab1'));
  const tab1 = await WorkflowCache.open({ sqlJs, workflows: source1, storage: new IndexedDBStorage('wf', store) });
  const tab2 = await WorkflowCache.open({ sqlJs, workflows: new MemorySource(files('tab2')), storage: new IndexedDBStorage('wf', store) });
  await Promise.all([tab1.refresh(), tab2.refresh(), tab1.refresh(), tab2.refresh()]);
  expect(tab1.get({ type: 't-1', meta: 'workflow=f.toml' }).template).toBe('tab1');
  expect(tab2.get({ type: 't-1', meta: 'workflow=f.toml' }).template).toBe('tab2');
  expect([['tab1'], ['tab2']]).toContainEqual(await savedMarks('wf'));

  source1.set('f.toml', files('tab1, edited')['f.toml']);
  await tab1.refresh();
  expect(await savedMarks('wf')).toEqual(['tab1, edited']);
  // tab2 changed nothing since its last save, so closing it writes nothing over tab1's save.
  await tab2.close();
  expect(await savedMarks('wf')).toEqual(['tab1, edited']);
  await tab1.close();
});

test('something else stored under the key is moved aside as it was, and the cache rebuilt', async () => {
  await set('wf', { not: 'an image' }, store);
  const { list, onWarning } = warnings();
  const cache = await WorkflowCache.open({ sqlJs, workflows: new MemorySource(files('one')), storage: new IndexedDBStorage('wf', store), onWarning });
  expect(list[0]).toBeInstanceOf(UnusableDatabaseWarning);
  const aside = (list[0] as UnusableDatabaseWarning).movedTo!.replace('IndexedDB key ', '');
  const { get } = await import('idb-keyval');
  expect(await get(aside, store)).toEqual({ not: 'an image' });
  await cache.close();
  expect(await savedMarks('wf')).toEqual(['one']);
});
