// MemoryStorage keeps the storage contract; the place is the adapter itself.
import { MemoryStorage } from '../../src/index.node.js';
import { testStorage } from './storage-contract.js';

testStorage({
  shared: false,
  movesAside: true,
  claims: false,
  async make() {
    const storage = new MemoryStorage();
    return {
      storage,
      location: 'memory',
      // `memory (aside #n)`: the n-th of asideImages.
      readAside: async (where) => storage.asideImages[Number(/#(\d+)\)$/.exec(where)?.[1]) - 1],
    };
  },
});
