// FsSource keeps the source contract over a real temporary folder, written by Node's fs as
// another program would write it.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FsSource } from '../../src/index.node.js';
import { useTempDirs } from '../helpers.js';
import { testSource } from './source-contract.js';

const tempDir = useTempDirs();

testSource({
  stamps: ['size', 'mtimeMs'],
  enforcesReadLimit: true,
  emptyFolders: true,
  async make() {
    const dir = await tempDir();
    return {
      source: await FsSource.open(dir),
      location: dir,
      async write(key, bytes) {
        await mkdir(dirname(join(dir, key)), { recursive: true });
        await writeFile(join(dir, key), bytes);
      },
      remove: (key) => rm(join(dir, key)),
      emptyFolder: async (key) => void (await mkdir(join(dir, key), { recursive: true })),
    };
  },
});
