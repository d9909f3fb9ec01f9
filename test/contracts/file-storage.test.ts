// FileStorage keeps the storage contract on real files in a temporary folder; a second adapter
// on the same path stands for another process.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileStorage } from '../../src/index.node.js';
import { useTempDirs } from '../helpers.js';
import { testStorage } from './storage-contract.js';

const tempDir = useTempDirs();

testStorage({
  shared: true,
  movesAside: true,
  claims: true,
  async make() {
    const path = join(await tempDir(), 'cache.sqlite');
    return {
      storage: new FileStorage(path),
      location: path,
      reopen: () => new FileStorage(path),
      readAside: async (where) => new Uint8Array(await readFile(where)),
    };
  },
});
