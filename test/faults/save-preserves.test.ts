// Saving keeps what the user set (the file's mode and owner, a symbolic link at the path) and
// says when it could not save: a database that cannot be written is refused at open, and
// `load --db` exits 1 saying nothing was saved. Runs as root: chown, and setpriv for uid 65534.
import { watch } from 'node:fs';
import { chmod, chown, lstat, mkdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { MemorySource, StorageError, WorkflowCache } from '../../src/index.node.js';
import { leftovers, markedWorkflow, openCache, tempFolder } from './helpers.js';
import { openTo, runCli, type Finished } from './processes.js';

const NOBODY = 65534;

/** Saves a first version of f.toml into `storage`, then opens it again with `mark` and closes (a second save). */
async function saveTwice(storage: string, mark = 'second'): Promise<void> {
  await (await openCache({ workflows: new MemorySource({ 'f.toml': markedWorkflow('t', 'first') }), storage })).close();
  await (await openCache({ workflows: new MemorySource({ 'f.toml': markedWorkflow('t', mark) }), storage })).close();
}

/** The template of t-1 in f.toml as saved in the database file. */
async function savedMark(database: string): Promise<string> {
  const cache = await WorkflowCache.openSaved({ storage: database });
  try {
    return cache.get({ type: 't-1', meta: 'workflow=f.toml' }).template;
  } finally {
    await cache.close();
  }
}

test('a save keeps a 0600 database 0600, with its owner and group', async () => {
  const database = join(await tempFolder(), 'workflows.db');
  await (await openCache({ workflows: new MemorySource({ 'f.toml': markedWorkflow('t', 'first') }), storage: database })).close();
  await chmod(database, 0o600);
  await chown(database, NOBODY, NOBODY);
  const before = await stat(database);

  await (await openCache({ workflows: new MemorySource({ 'f.toml': markedWorkflow('t', 'second') }), storage: database })).close();
  const after = await stat(database);
  expect(after.ino, 'replaced by a new file, crash-safe').not.toBe(before.ino);
  expect({ mode: after.mode & 0o7777, uid: after.uid, gid: after.gid }).toEqual({ mode: 0o600, uid: NOBODY, gid: NOBODY });
  expect(await savedMark(database)).toBe('second');
});

test('a save through a symbolic link replaces its target, keeps the link, and writes its temporary file beside the target', async () => {
  const folder = await tempFolder();
  await mkdir(join(folder, 'links'));
  await mkdir(join(folder, 'data'));
  const link = join(folder, 'links', 'workflows.db');
  const target = join(folder, 'data', 'workflows.db');
  await (await openCache({ workflows: new MemorySource({ 'f.toml': markedWorkflow('t', 'first') }), storage: target })).close();
  await symlink('../data/workflows.db', link);

  const seen = { links: [] as string[], data: [] as string[] };
  const watchers = (['links', 'data'] as const).map((name) => watch(join(folder, name), (_event, file) => file && seen[name].push(String(file))));
  try {
    await (await openCache({ workflows: new MemorySource({ 'f.toml': markedWorkflow('t', 'second') }), storage: link })).close();
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the last events arrive
  } finally {
    for (const w of watchers) w.close();
  }
  expect((await lstat(link)).isSymbolicLink()).toBe(true);
  expect(await readlink(link)).toBe('../data/workflows.db');
  expect(await savedMark(target)).toBe('second');
  expect(seen.links, 'nothing was written beside the link').toEqual([]);
  expect(seen.data.some((name) => /^workflows\.db\.\d+\.[a-z0-9]+\.tmp$/.test(name)), seen.data.join(' ')).toBe(true);
  expect(await leftovers(join(folder, 'data'), 'workflows.db')).toEqual([]);
});

test('a link whose target does not exist yet gets its target created', async () => {
  const folder = await tempFolder();
  const link = join(folder, 'workflows.db');
  await symlink('real.db', link);
  await saveTwice(link);
  expect((await lstat(link)).isSymbolicLink()).toBe(true);
  expect(await savedMark(join(folder, 'real.db'))).toBe('second');
});

test('open rejects a database whose folder does not exist, naming the folder', async () => {
  const missing = join(await tempFolder(), 'missing');
  const open = WorkflowCache.open({ workflows: new MemorySource({ 'f.toml': markedWorkflow('t', 'x') }), storage: join(missing, 'workflows.db') });
  await expect(open).rejects.toThrow(StorageError);
  await expect(open).rejects.toThrow(`its folder ${missing} does not exist`);
});

/** A folder of one workflow file and a folder for the database, both open to uid 65534. */
async function loadSetup(): Promise<{ workflows: string; data: string }> {
  const folder = await tempFolder();
  await openTo(folder, 0o755);
  const workflows = join(folder, 'workflows');
  const data = join(folder, 'data');
  await mkdir(workflows);
  await mkdir(data);
  await writeFile(join(workflows, 'f.toml'), markedWorkflow('t', 'x'));
  return { workflows, data };
}

function expectNothingSaved(result: Finished, database: string): void {
  expect(result.code).toBe(1);
  expect(result.stdout).not.toContain(`into ${database}`);
  expect(result.stderr).toContain(`nothing was saved to ${database}`);
}

test('load --db onto a folder exits 1 and says nothing was saved', async () => {
  const { workflows, data } = await loadSetup();
  const result = await runCli(['load', workflows, '--db', data]);
  expectNothingSaved(result, data);
  expect(result.stderr).toContain('it is a folder, not a database file');
  expect(await leftovers(data, '')).toEqual([]);
});

test('load --db into a folder this user cannot write exits 1 and says nothing was saved', async () => {
  const { workflows, data } = await loadSetup();
  const database = join(data, 'workflows.db');
  await saveTwice(database, 'root');
  await chmod(database, 0o666); // the file could be written; its folder (root's, 0755) cannot
  const image = await readFile(database);

  const result = await runCli(['load', workflows, '--db', database], 'nobody');
  expectNothingSaved(result, database);
  expect(result.stderr).toContain(`cannot create ${database}.lock (EACCES)`);
  expect((await readFile(database)).equals(image)).toBe(true);
});

test('load --db onto a read-only database file exits 1, says nothing was saved, and leaves it as it was', async () => {
  const { workflows, data } = await loadSetup();
  await chown(data, NOBODY, NOBODY);
  const database = join(data, 'workflows.db');
  await saveTwice(database, 'kept');
  await chmod(database, 0o444);
  await chown(database, NOBODY, NOBODY);
  const before = await stat(database);

  const result = await runCli(['load', workflows, '--db', database], 'nobody');
  expectNothingSaved(result, database);
  expect(result.stderr).toContain('read-only for this user (mode 0444)');
  const after = await stat(database);
  expect([after.ino, after.mode & 0o777]).toEqual([before.ino, 0o444]);
  expect(await savedMark(database)).toBe('kept');
});

test('load --db whose lock path is a folder exits 1, says nothing was saved, and leaves the folder', async () => {
  const { workflows, data } = await loadSetup();
  const database = join(data, 'workflows.db');
  await mkdir(`${database}.lock`);
  const result = await runCli(['load', workflows, '--db', database]);
  expectNothingSaved(result, database);
  expect(result.stderr).toContain(`${database}.lock is a folder, not a lock file`);
  expect((await stat(`${database}.lock`)).isDirectory()).toBe(true);
});
