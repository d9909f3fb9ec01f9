// What the files' states held between refreshes rely on: they are the tables' own, so a refresh
// decides from them exactly what it would decide reading the tables. Each test makes them stale
// one way (a write that is not the refresh's, a file the refresh loaded, one it removed) and
// fails if they are kept.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../src/db/load-engine.js';
import { openDatabase } from '../src/open-database.js';
import { refreshStore } from '../src/refresh-store.js';
import { MemorySource } from '../src/sources/memory.js';
import { MemoryStorage } from '../src/storage/memory.js';
import type { SourceEntry, WorkflowSource } from '../src/sources/source.js';
import { WorkflowStore } from '../src/store.js';
import { toml } from './helpers.js';

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const daily = toml({ task: 'extract', rule: 'cron=0 2 * * *' });
const weekly = toml({ task: 'extract', rule: 'cron=0 2 * * 1' });

async function storeOn(source: WorkflowSource): Promise<WorkflowStore> {
  const { db } = await openDatabase(await loadEngine(), undefined, () => {}, async () => undefined);
  const store = new WorkflowStore(db);
  await refreshStore(store, source, md5);
  return store;
}

describe("the files' states a refresh holds for the next one", () => {
  it('are read again after a write that was not a refresh', async () => {
    const source = new MemorySource({ 'a.toml': daily });
    const store = await storeOn(source);
    store.transaction(() => store.removeFile('a.toml'));
    expect((await refreshStore(store, source, md5)).changed).toEqual(['a.toml']);
    expect(store.fileState('a.toml')).toBeDefined();
  });

  it('follow a file the refresh loaded anew: the next refresh finds it unchanged', async () => {
    const source = new MemorySource({ 'a.toml': daily });
    const store = await storeOn(source);
    source.set('a.toml', weekly);
    expect((await refreshStore(store, source, md5)).changed).toEqual(['a.toml']);
    expect((await refreshStore(store, source, md5)).changed).toEqual([]);
  });

  it('follow a file the refresh removed: the same file back is loaded again', async () => {
    const source = new MemorySource({ 'a.toml': daily, 'b.toml': weekly });
    const store = await storeOn(source);
    source.delete('a.toml');
    expect((await refreshStore(store, source, md5)).changed).toEqual(['-a.toml']);
    source.set('a.toml', daily);
    expect((await refreshStore(store, source, md5)).changed).toEqual(['a.toml']);
  });

  it('follow a failure the refresh recorded, and its end', async () => {
    const source = new MemorySource({ 'a.toml': daily });
    const store = await storeOn(source);
    source.set('a.toml', 'not toml [');
    expect((await refreshStore(store, source, md5)).failures.map((f) => f.file)).toEqual(['a.toml']);
    expect((await refreshStore(store, source, md5)).wrote).toBe(false); // the same failure is not recorded again
    source.set('a.toml', daily);
    const outcome = await refreshStore(store, source, md5);
    expect(outcome.failures).toEqual([]);
    expect(store.failures()).toEqual([]);
  });
});

/** Files in memory with a size and an mtime an hour old (outside the racy window), counting reads. */
class StampedSource implements WorkflowSource {
  readonly isDir = true;
  readonly location = 'stamped';
  reads = 0;
  readonly #files = new Map<string, { text: string; mtimeMs: number }>();
  set(key: string, text: string, mtimeMs = Date.now() - 3_600_000): void {
    this.#files.set(key, { text, mtimeMs });
  }
  async list(): Promise<SourceEntry[]> {
    return [...this.#files].map(([key, f]) => ({ key, size: Buffer.byteLength(f.text), mtimeMs: f.mtimeMs }));
  }
  async read(key: string): Promise<Uint8Array> {
    this.reads++;
    return Buffer.from(this.#files.get(key)!.text);
  }
}

// The states a refresh keeps for the files it wrote are made from what it wrote, not read back:
// each test fails if they are not the tables' (a file read again, or trusted when it moved).
describe('the state a refresh keeps of a file it wrote', () => {
  async function loadedThenEdited(first: string, then: string) {
    const source = new StampedSource();
    source.set('a.toml', first, Date.now() - 7_200_000);
    const store = await storeOn(source);
    source.set('a.toml', then);
    const outcome = await refreshStore(store, source, md5);
    source.reads = 0;
    return { source, store, outcome };
  }

  it('trusts the stamp of a file loaded anew at the next refresh: it is not read again', async () => {
    const { source, store, outcome } = await loadedThenEdited(daily, weekly);
    expect(outcome.changed).toEqual(['a.toml']);
    expect((await refreshStore(store, source, md5)).changed).toEqual([]);
    expect(source.reads).toBe(0);
  });

  it('trusts the new stamp of a file that moved without changing: it is not read again', async () => {
    const { source, store, outcome } = await loadedThenEdited(daily, daily);
    expect(outcome).toMatchObject({ changed: [], touched: true });
    await refreshStore(store, source, md5);
    expect(source.reads).toBe(0);
  });

  it('trusts the stamp of a file loaded after it failed: its failure is gone', async () => {
    const { source, store } = await loadedThenEdited(daily, 'not toml [');
    source.set('a.toml', weekly, Date.now() - 3_000_000);
    expect((await refreshStore(store, source, md5)).changed).toEqual(['a.toml']);
    source.reads = 0;
    expect((await refreshStore(store, source, md5)).failures).toEqual([]);
    expect(source.reads).toBe(0);
  });

  it('reads a file again when its stamp moves after it was loaded anew', async () => {
    const { source, store } = await loadedThenEdited(daily, weekly);
    source.set('a.toml', daily, Date.now() - 1_800_000);
    expect((await refreshStore(store, source, md5)).changed).toEqual(['a.toml']);
    expect(store.phaseInFile('a.toml', 'extract', '')?.rule).toBe('cron=0 2 * * *');
  });
});

// The history counts each file's versions once, then one more per version it keeps, to run the
// retention's drop only when there may be too many: each test fails if a count runs low.
describe("the history's count of a file's versions", () => {
  const history = (maxVersions: number) => ({ maxVersions, maxAgeDays: Infinity });

  async function storeWith(source: WorkflowSource, maxVersions: number, image?: Uint8Array): Promise<WorkflowStore> {
    const storage = image && new MemoryStorage(image);
    const { db } = await openDatabase(await loadEngine(), storage, () => {}, async () => undefined);
    const store = new WorkflowStore(db, history(maxVersions));
    await refreshStore(store, source, md5);
    return store;
  }

  async function edits(store: WorkflowStore, source: MemorySource, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      source.set('a.toml', `${daily}# edit ${i}\n`);
      await refreshStore(store, source, md5);
    }
  }

  it('keeps no more versions than asked as the edits go on', async () => {
    const source = new MemorySource({ 'a.toml': daily });
    const store = await storeWith(source, 3);
    await edits(store, source, 8);
    expect(store.history('a.toml')).toHaveLength(4); // three earlier, then the current one
  });

  it('starts from the versions a saved database holds: one saved with more than now kept is trimmed at the next edit', async () => {
    const source = new MemorySource({ 'a.toml': daily });
    const before = await storeWith(source, 10);
    await edits(before, source, 6);
    const reopened = await storeWith(source, 2, before.export());
    await edits(reopened, source, 1);
    expect(reopened.history('a.toml')).toHaveLength(3);
  });

  it('counts anew a file removed and loaded again', async () => {
    const source = new MemorySource({ 'a.toml': daily });
    const store = await storeWith(source, 2);
    await edits(store, source, 3);
    source.delete('a.toml');
    await refreshStore(store, source, md5);
    source.set('a.toml', weekly);
    await refreshStore(store, source, md5);
    await edits(store, source, 2);
    expect(store.history('a.toml')).toHaveLength(3);
  });
});
