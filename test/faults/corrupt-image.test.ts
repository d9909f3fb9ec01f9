// A database file that is truncated, random, empty, foreign or from a newer
// version gets a clear outcome (moved aside and rebuilt, or a clear error), and nothing is deleted.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { expect, test } from 'vitest';
import {
  MemorySource,
  SCHEMA_VERSION,
  SchemaVersionError,
  UnusableDatabaseWarning,
  WorkflowCache,
} from '../../src/index.node.js';
import { leftovers, markedWorkflow, openCache, tempFolder, warnings } from './helpers.js';

const files = { 'f.toml': markedWorkflow('task', 'saved', 3) };

/** A database file written by the cache itself, in a fresh folder. */
async function savedDatabase(): Promise<{ folder: string; database: string; image: Buffer }> {
  const folder = await tempFolder();
  const database = join(folder, 'workflows.db');
  const cache = await WorkflowCache.open({ workflows: new MemorySource(files), storage: database });
  await cache.close();
  return { folder, database, image: await readFile(database) };
}

/** A valid SQLite image built by `sql`, with SQLite itself. */
async function sqliteImage(sql: string): Promise<Uint8Array> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.exec(sql);
  const image = db.export();
  db.close();
  return image;
}

/**
 * Opens on a database file holding `bad` and checks the outcome every unusable image must get:
 * one warning naming where it went, the bytes kept there unchanged, and a rebuilt cache.
 */
async function expectMovedAsideAndRebuilt(bad: Uint8Array, reason: RegExp): Promise<void> {
  const { folder, database } = await savedDatabase();
  await writeFile(database, bad);
  const { list, onWarning } = warnings();
  const cache = await openCache({ workflows: new MemorySource(files), storage: database, onWarning });

  expect(list).toHaveLength(1);
  const warning = list[0] as UnusableDatabaseWarning;
  expect(warning).toBeInstanceOf(UnusableDatabaseWarning);
  expect(warning.reason).toMatch(reason);
  expect(warning.message).toContain(database);
  // Compared as bytes: a deep equality of a large image would walk it element by element.
  expect(Buffer.compare(await readFile(warning.movedTo!), bad), 'the file moved aside is the file as it was').toBe(0);
  expect(cache.get({ type: 'task-2', meta: 'workflow=f.toml' }).template).toBe('saved');

  await cache.close();
  expect(await leftovers(folder, 'workflows.db')).toEqual([warning.movedTo!.slice(folder.length + 1)]);
  const again = warnings();
  await (await openCache({ workflows: new MemorySource(files), storage: database, onWarning: again.onWarning })).close();
  expect(again.list, 'the rebuilt database opens cleanly').toEqual([]);
}

test('a truncated database is moved aside unchanged and the cache rebuilt', async () => {
  const { image } = await savedDatabase();
  await expectMovedAsideAndRebuilt(image.subarray(0, Math.floor(image.length / 2)), /^truncated/);
});

test('random bytes are moved aside unchanged and the cache rebuilt', async () => {
  await expectMovedAsideAndRebuilt(randomBytes(64 * 1024), /not a SQLite database/);
});

test('random bytes behind a valid SQLite header are moved aside unchanged and the cache rebuilt', async () => {
  const { image } = await savedDatabase();
  const damaged = Buffer.from(image);
  randomBytes(damaged.length - 100).copy(damaged, 100);
  await expectMovedAsideAndRebuilt(damaged, /not a usable SQLite database/);
});

test('an empty file is moved aside and the cache rebuilt', async () => {
  await expectMovedAsideAndRebuilt(new Uint8Array(0), /empty/);
});

test('a valid SQLite database of another schema is moved aside unchanged and the cache rebuilt', async () => {
  const foreign = await sqliteImage("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users VALUES (1, 'ada');");
  await expectMovedAsideAndRebuilt(foreign, /another schema/);
});

test('a database from a newer schema version is refused with SchemaVersionError and left untouched', async () => {
  const { folder, database } = await savedDatabase();
  const SQL = await initSqlJs();
  const db = new SQL.Database(await readFile(database));
  db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
  const newer = db.export();
  db.close();
  await writeFile(database, newer);

  const open = () => WorkflowCache.open({ workflows: new MemorySource(files), storage: database });
  const error = await open().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(SchemaVersionError);
  expect((error as SchemaVersionError).found).toBe(SCHEMA_VERSION + 1);
  expect((error as Error).message).toContain(database);
  expect(new Uint8Array(await readFile(database))).toEqual(newer);
  expect(await leftovers(folder, 'workflows.db'), 'no aside copy, no lock left').toEqual([]);
  // The refusal gave the lock back: a second try meets the same refusal, not a lock.
  await expect(open()).rejects.toThrow(SchemaVersionError);
});

test('a database in a folder that does not exist: open rejects, naming the folder', async () => {
  const folder = await tempFolder();
  const database = join(folder, 'missing', 'workflows.db');
  await expect(WorkflowCache.open({ workflows: new MemorySource(files), storage: database })).rejects.toThrow(
    `its folder ${join(folder, 'missing')} does not exist`,
  );
  expect(await leftovers(folder, 'workflows.db')).toEqual([]);
});

// FileStorage reads a file larger than one read in parts, at once: a damaged one gets the outcome a small one gets.
/** Three parts and a short fourth. */
const LARGE = 3 * 8 * 1024 * 1024 + 4096 * 7;

test('a large file whose header claims more pages than it holds is moved aside as truncated', async () => {
  const { image } = await savedDatabase();
  const claimed = Buffer.concat([image, randomBytes(LARGE - image.length)]);
  claimed.writeUInt32BE(LARGE / 4096 + 100, 28); // page count, valid while the change counters agree
  await expectMovedAsideAndRebuilt(claimed, /^truncated: \d+ bytes where the header says \d+/);
});

test('random pages behind a valid header, in a large file, are moved aside as not usable', async () => {
  const { image } = await savedDatabase();
  const damaged = Buffer.concat([image.subarray(0, 100), randomBytes(LARGE - 100)]);
  damaged.writeUInt32BE(LARGE / 4096, 28);
  await expectMovedAsideAndRebuilt(damaged, /not a usable SQLite database/);
});
