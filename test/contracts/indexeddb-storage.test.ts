// IndexedDBStorage keeps the storage contract against fake-indexeddb in Node; the browser
// project runs the same suite against Chromium's IndexedDB.
import 'fake-indexeddb/auto';
import { createStore, get } from 'idb-keyval';
import { IndexedDBStorage } from '../../src/index.node.js';
import { testStorage } from './storage-contract.js';

let stores = 0;

testStorage({
  shared: true,
  movesAside: true,
  claims: false,
  async make() {
    // A database of its own per test: nothing one test leaves can reach another.
    const store = createStore(`contract-${++stores}`, 'images');
    return {
      storage: new IndexedDBStorage('cache', store),
      location: 'IndexedDB key cache',
      reopen: () => new IndexedDBStorage('cache', store),
      readAside: async (where) => get(where.replace(/^IndexedDB key /, ''), store),
    };
  },
});
