// MemorySource keeps the source contract; the place is the source itself.
import { MemorySource } from '../../src/index.node.js';
import { testSource } from './source-contract.js';

testSource({
  stamps: [],
  enforcesReadLimit: false,
  emptyFolders: false,
  async make() {
    const source = new MemorySource();
    return {
      source,
      location: 'memory',
      write: async (key, bytes) => source.set(key, bytes),
      remove: async (key) => source.delete(key),
    };
  },
});
