import { del, get, keys, set } from 'idb-keyval';
import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  IndexedDBStorage,
  MemorySource,
  UnusableDatabaseWarning,
  WorkflowCache,
  type WorkflowCacheError,
} from '../../src/index.browser.js';

// Real IndexedDB in Chromium: what the playground and browser users rely on. What every storage
// adapter promises runs here too, in indexeddb-contract.browser.test.ts.

const sqlJs = { locateFile: () => wasmUrl };
const used: string[] = [];

function freshKey(): string {
  const key = `test-${crypto.randomUUID()}`;
  used.push(key);
  return key;
}

afterEach(async () => {
  // Also the copies moved aside, which are named after the key.
  const all = (await keys()).map(String);
  await Promise.all(all.filter((k) => used.some((u) => k.startsWith(u))).map((k) => del(k)));
  used.length = 0;
});

const workflows = () =>
  new MemorySource({
    'f1.toml': '[[phase]]\ntask = "task1"\nrule = "cron=0 * * * *"\n\n[[phase]]\ntask = "task2"\ndependsOn = "task1"\n',
    'f2.toml': '[[phase]]\ntask = "load:j1"\ndependsOn = "nowhere"\nretry = 20\n',
  });

describe('IndexedDBStorage in a real browser', () => {
  it('keeps a cache that, reopened, loads nothing anew and answers the same', async () => {
    const key = freshKey();
    const first = await WorkflowCache.open({ workflows: workflows(), storage: new IndexedDBStorage(key), sqlJs });
    const phases = first.phases();
    const child = first.children({ type: 'task1', meta: 'workflow=f1.toml' });
    await first.close();

    const again = await WorkflowCache.open({ workflows: workflows(), storage: new IndexedDBStorage(key), sqlJs });
    expect(await again.refresh()).toEqual([]);
    expect(again.phases()).toEqual(phases);
    expect(again.children({ type: 'task1', meta: 'workflow=f1.toml' })).toEqual(child);
    expect(again.phases('f2.toml')[0].status).toContain('parent task not found: nowhere');
    await again.close();
  });

  it('moves a value that is not a database aside, keeps it, and rebuilds from the workflows', async () => {
    const key = freshKey();
    await set(key, 'not a database');
    const warnings: WorkflowCacheError[] = [];
    const cache = await WorkflowCache.open({ workflows: workflows(), storage: new IndexedDBStorage(key), sqlJs, onWarning: (w) => warnings.push(w) });
    expect(warnings).toHaveLength(1);
    const warning = warnings[0] as UnusableDatabaseWarning;
    expect(warning).toBeInstanceOf(UnusableDatabaseWarning);
    const aside = warning.movedTo!.replace(/^IndexedDB key /, '');
    expect(aside.startsWith(`${key}.unusable-`)).toBe(true);
    expect(await get(aside)).toBe('not a database');
    expect(cache.phases()).toHaveLength(3);
    await cache.close();
    const saved = (await get(key)) as Uint8Array;
    expect(new TextDecoder().decode(saved.subarray(0, 15))).toBe('SQLite format 3');
  });
});
