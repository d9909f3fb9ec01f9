// Images larger than one read (FileStorage reads them in parts, at once) and than one write
// (it writes them in one call): every byte arrives where it was, and a cache opened from such an
// image answers as the cache that saved it.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStorage, MemorySource, WorkflowCache } from '../src/index.node.js';
import { toml, useTempDirs } from './helpers.js';

/** Larger than four parts of 8 MiB, and no multiple of anything: the last part is short. */
const LARGE = 4 * 8 * 1024 * 1024 + 12_345;

describe('FileStorage with a large image', () => {
  const tempDir = useTempDirs();

  it('loads every byte of a file larger than one read, in order', async () => {
    const path = join(await tempDir(), 'cache.sqlite');
    const bytes = randomBytes(LARGE);
    await writeFile(path, bytes);
    expect(Buffer.compare(Buffer.from((await new FileStorage(path).load())!), bytes)).toBe(0);
  });

  it('loads a file smaller than one part whole', async () => {
    const path = join(await tempDir(), 'cache.sqlite');
    const bytes = randomBytes(100_001);
    await writeFile(path, bytes);
    expect(Buffer.compare(Buffer.from((await new FileStorage(path).load())!), bytes)).toBe(0);
  });

  it('saves every byte of an image larger than one write', async () => {
    const path = join(await tempDir(), 'cache.sqlite');
    const bytes = randomBytes(LARGE);
    const storage = new FileStorage(path);
    await storage.acquire();
    await storage.save(bytes);
    await storage.release();
    expect(Buffer.compare(await readFile(path), bytes)).toBe(0);
  });

  it('reopens a cache from an image of several parts with the same phases', async () => {
    const path = join(await tempDir(), 'cache.sqlite');
    // Over 8 MiB of image: 1,200 files of 10 phases with long templates.
    const files: Record<string, string> = {};
    for (let f = 0; f < 1200; f++) {
      files[`w${f}.toml`] = toml(...Array.from({ length: 10 }, (_, p) => ({ task: `t${p}:j${f}`, rule: 'cron=0 * * * *', template: `run ${f} ${p} ${'x'.repeat(800)}` })));
    }
    const first = await WorkflowCache.open({ workflows: new MemorySource(files), storage: path });
    const phases = first.phases();
    await first.close();
    expect((await readFile(path)).length).toBeGreaterThan(8 * 1024 * 1024);

    const again = await WorkflowCache.open({ workflows: new MemorySource(files), storage: path });
    expect(again.phases()).toEqual(phases);
    expect(again.stats().operations.save.count, 'nothing to load anew, nothing to save').toBe(0);
    await again.close();
  }, 60_000);
});
