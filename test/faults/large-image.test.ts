// A damaged database file larger than one read (FileStorage reads such files in parts, at once)
// gets the outcome a small one gets: moved aside byte for byte, and the cache rebuilt.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { MemorySource, UnusableDatabaseWarning, WorkflowCache } from '../../src/index.node.js';
import { leftovers, markedWorkflow, openCache, tempFolder, warnings } from './helpers.js';

const files = { 'f.toml': markedWorkflow('task', 'saved', 3) };
/** Three parts and a short fourth. */
const LARGE = 3 * 8 * 1024 * 1024 + 4096 * 7;

async function expectMovedAside(damage: (image: Buffer) => Buffer, reason: RegExp): Promise<void> {
  const folder = await tempFolder();
  const database = join(folder, 'workflows.db');
  await (await WorkflowCache.open({ workflows: new MemorySource(files), storage: database })).close();
  const bad = damage(await readFile(database));
  expect(bad.length).toBeGreaterThan(8 * 1024 * 1024);
  await writeFile(database, bad);

  const { list, onWarning } = warnings();
  const cache = await openCache({ workflows: new MemorySource(files), storage: database, onWarning });
  expect(list).toHaveLength(1);
  const warning = list[0] as UnusableDatabaseWarning;
  expect(warning).toBeInstanceOf(UnusableDatabaseWarning);
  expect(warning.reason).toMatch(reason);
  expect(Buffer.compare(await readFile(warning.movedTo!), bad), 'the file moved aside is the file as it was').toBe(0);
  expect(cache.get({ type: 'task-2', meta: 'workflow=f.toml' }).template).toBe('saved');
  await cache.close();
  expect(await leftovers(folder, 'workflows.db')).toEqual([warning.movedTo!.slice(folder.length + 1)]);
}

test('a large file whose header claims more pages than it holds is moved aside as truncated', async () => {
  await expectMovedAside((image) => {
    const claimed = Buffer.concat([image, randomBytes(LARGE - image.length)]);
    claimed.writeUInt32BE(LARGE / 4096 + 100, 28); // page count, valid while the change counters agree
    return claimed;
  }, /^truncated: \d+ bytes where the header says \d+/);
});

test('random pages behind a valid header, in a large file, are moved aside as not usable', async () => {
  await expectMovedAside((image) => {
    const damaged = Buffer.concat([image.subarray(0, 100), randomBytes(LARGE - 100)]);
    damaged.writeUInt32BE(LARGE / 4096, 28);
    return damaged;
  }, /not a usable SQLite database/);
});
