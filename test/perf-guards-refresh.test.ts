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
import { WorkflowStore } from '../src/store.js';
import { toml } from './helpers.js';

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const daily = toml({ task: 'extract', rule: 'cron=0 2 * * *' });
const weekly = toml({ task: 'extract', rule: 'cron=0 2 * * 1' });

async function storeOn(source: MemorySource): Promise<WorkflowStore> {
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
