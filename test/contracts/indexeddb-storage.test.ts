// IndexedDBStorage keeps the storage contract against fake-indexeddb in Node; the browser
// project runs the same suite against Chromium's IndexedDB. Each test's place is a key of its
// own in one idb-keyval store, so two places are two keys side by side.
import 'fake-indexeddb/auto';
import { createStore, get } from 'idb-keyval';
import { IndexedDBStorage } from '../../src/index.node.js';
import { testStorage } from './storage-contract.js';

const store = createStore('storage-contract', 'images');
let keys = 0;

testStorage({
  shared: true,
  movesAside: true,
  claims: false,
  async make() {
    const key = `cache-${++keys}`;
    return {
      storage: new IndexedDBStorage(key, store),
      location: `IndexedDB key ${key}`,
      reopen: () => new IndexedDBStorage(key, store),
      readAside: (where) => get(where.replace(/^IndexedDB key /, ''), store),
    };
  },
});
