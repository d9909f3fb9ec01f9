// IndexedDBStorage keeps the storage contract against Chromium's own IndexedDB, the one the
// playground and browser users save to (Node runs the same suite on fake-indexeddb).
import { del, get, keys } from 'idb-keyval';
import { afterEach } from 'vitest';
import { IndexedDBStorage } from '../../src/index.browser.js';
import { testStorage } from '../contracts/storage-contract.js';

const used: string[] = [];

afterEach(async () => {
  // The images moved aside too: their keys begin with the key they were moved from.
  const all = (await keys()).map(String);
  await Promise.all(all.filter((k) => used.some((u) => k.startsWith(u))).map((k) => del(k)));
  used.length = 0;
});

testStorage({
  shared: true,
  movesAside: true,
  claims: false,
  async make() {
    const key = `contract-${crypto.randomUUID()}`;
    used.push(key);
    return {
      storage: new IndexedDBStorage(key),
      location: `IndexedDB key ${key}`,
      reopen: () => new IndexedDBStorage(key),
      readAside: (where) => get(where.replace(/^IndexedDB key /, '')),
    };
  },
});
