// One writer per database file, across PID namespaces: a holder whose pid cannot be checked
// from here (another namespace: its pid is invisible here) is judged by its lock's renewals,
// never by a pid that means nothing here; readers delete nothing. Real processes throughout,
// the namespaces made by `unshare --pid --fork --mount-proc`, the other user by setpriv (root).
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, onTestFinished, test } from 'vitest';
import { DatabaseLockedError, MemorySource, StorageError, WorkflowCache } from '../../src/index.node.js';
import { STALE_AFTER_MS, RENEW_EVERY_MS } from '../../src/storage/file-lock.js';
import { markedWorkflow, openCache, tempFolder } from './helpers.js';
import { invisiblePid, kill, openTo, runCli, startCli, startSaver, visibleHere, type Running } from './processes.js';

/** The template of t-1 in f.toml as saved in the database file. */
async function savedMark(database: string): Promise<string> {
  const saved = await WorkflowCache.openSaved({ storage: database });
  try {
    return saved.get({ type: 't-1', meta: 'workflow=f.toml' }).template;
  } finally {
    await saved.close();
  }
}

const lockHolder = async (database: string): Promise<number> => JSON.parse(await readFile(`${database}.lock`, 'utf8')).pid;

/** A saver in a PID namespace of its own, saving, with a pid that no process here has. */
async function saverInNamespace(database: string): Promise<{ saver: Running; pid: number }> {
  const saver = startSaver(database, 'namespace', invisiblePid());
  onTestFinished(() => kill(saver));
  await saver.printed('ready');
  const pid = await lockHolder(database);
  expect(visibleHere(pid), `pid ${pid} of the namespaced saver is invisible here`).toBe(false);
  return { saver, pid };
}

const openOn = (database: string) =>
  WorkflowCache.open({ workflows: new MemorySource({ 'f.toml': markedWorkflow('t', 'here') }), storage: database }).then(
    (cache) => {
      onTestFinished(() => cache.close());
      return cache;
    },
    (error: unknown) => error,
  );

test('a live holder in another PID namespace keeps its lock, though its pid is invisible here', async () => {
  const database = join(await tempFolder(), 'workflows.db');
  const { saver, pid } = await saverInNamespace(database);

  const refused = await openOn(database);
  expect(refused).toBeInstanceOf(DatabaseLockedError);
  expect((refused as DatabaseLockedError).pid).toBe(pid);
  expect((refused as Error).message).toContain('another PID namespace');
  // The holder never noticed: it goes on saving, and still holds the lock.
  const saves = saver.stdout().length;
  await expect.poll(() => saver.stdout().length, { timeout: 10_000 }).toBeGreaterThan(saves);
  expect(saver.stderr()).toBe('');
  expect(await lockHolder(database)).toBe(pid);
});

test('a holder in another PID namespace that died is taken over once its lock goes unrenewed for the stale time', async () => {
  const database = join(await tempFolder(), 'workflows.db');
  const { saver, pid } = await saverInNamespace(database);
  await kill(saver);

  // Dead, but nothing here can tell yet: its lock was renewed a moment ago.
  const refused = await openOn(database);
  expect(refused).toBeInstanceOf(DatabaseLockedError);
  expect((refused as Error).message).toContain(`unrenewed for ${STALE_AFTER_MS / 1000} s is taken over`);
  expect(await lockHolder(database)).toBe(pid);

  // As if the stale time had passed without a renewal.
  const then = new Date(Date.now() - STALE_AFTER_MS - 1_000);
  await utimes(`${database}.lock`, then, then);
  const cache = await openOn(database);
  expect(cache).toBeInstanceOf(WorkflowCache);
  expect(await lockHolder(database)).toBe(process.pid);
  expect((cache as WorkflowCache).get({ type: 't-1', meta: 'workflow=f.toml' }).template).toBe('here');
});

test('an idle holder in another PID namespace renews its lock, so it never goes stale', async () => {
  const folder = await tempFolder();
  const workflows = join(folder, 'workflows');
  await mkdir(workflows);
  await writeFile(join(workflows, 'f.toml'), markedWorkflow('t', 'x'));
  const database = join(folder, 'workflows.db');
  const watcher = startCli(['watch', workflows, '--db', database, '--poll', '--interval', '60000'], 'namespace', invisiblePid());
  onTestFinished(() => kill(watcher));
  await watcher.printed('watching');
  const first = (await stat(`${database}.lock`)).mtimeMs;

  // Nothing changes, nothing is saved: only the renewal moves the lock's time.
  await expect.poll(async () => (await stat(`${database}.lock`)).mtimeMs, { timeout: RENEW_EVERY_MS * 2, interval: 250 }).toBeGreaterThan(first);
  await expect(openOn(database)).resolves.toBeInstanceOf(DatabaseLockedError);
});

test('a holder whose lock was taken over while it was suspended stops saving and says why', async () => {
  const database = join(await tempFolder(), 'workflows.db');
  const { saver } = await saverInNamespace(database);
  process.kill(-saver.child.pid!, 'SIGSTOP');
  const then = new Date(Date.now() - STALE_AFTER_MS - 1_000);
  await utimes(`${database}.lock`, then, then);
  const cache = await openOn(database);
  expect(cache).toBeInstanceOf(WorkflowCache);

  process.kill(-saver.child.pid!, 'SIGCONT');
  const { code, stderr } = await saver.exited;
  expect(code).not.toBe(0);
  expect(stderr).toContain(`was taken over by process ${process.pid}`);
  expect(await lockHolder(database)).toBe(process.pid);
});

test('a reader in another PID namespace deletes nothing, not even a temporary file whose pid it cannot see', async () => {
  const folder = await tempFolder();
  const database = join(folder, 'workflows.db');
  await (await openCache({ workflows: new MemorySource({ 'f.toml': markedWorkflow('t', 'x') }), storage: database })).close();
  // A save under way in this process, as a reader elsewhere finds it.
  const inFlight = `${database}.${process.pid}.abc123.tmp`;
  const aside = `${database}.lock.${process.pid}.abc123.stale`;
  await writeFile(inFlight, 'half an image');
  await writeFile(aside, '{}');

  for (const args of [['query', '--db', database, 'SELECT count(*) AS n FROM workflow_phases'], ['history', 'f.toml', '--db', database], ['stats', '--db', database]]) {
    const { code, stderr } = await runCli(args, 'namespace', invisiblePid());
    expect([args[0], code, stderr]).toEqual([args[0], 0, '']);
    expect([existsSync(inFlight), existsSync(aside)]).toEqual([true, true]);
  }
});

test('a holder this user cannot signal is alive: the lock is refused, not taken over', async () => {
  const folder = await tempFolder();
  await openTo(folder);
  const workflows = join(folder, 'workflows');
  await mkdir(workflows);
  await writeFile(join(workflows, 'f.toml'), markedWorkflow('t', 'x'));
  await openTo(workflows, 0o755);
  const database = join(folder, 'workflows.db');
  const saver = startSaver(database);
  onTestFinished(() => kill(saver));
  await saver.printed('ready');
  await chmod(database, 0o666); // writable to nobody, as the saver keeps it: only the lock stands in the way

  const { code, stderr } = await runCli(['load', workflows, '--db', database], 'nobody');
  expect(code).toBe(1);
  expect(stderr).toContain(`nothing was saved to ${database}: the database ${database} is open for writing by process ${saver.child.pid}`);
  expect(await lockHolder(database)).toBe(saver.child.pid);
});

test('a lock naming this very process that no cache here holds was left by an earlier process with this pid, and is taken over', async () => {
  const database = join(await tempFolder(), 'workflows.db');
  const first = await openOn(database);
  const record = await readFile(`${database}.lock`, 'utf8');
  await (first as WorkflowCache).close();
  // As a restarted container's pid 1 finds the lock of the pid 1 before it.
  await writeFile(`${database}.lock`, record);

  await expect(openOn(database)).resolves.toBeInstanceOf(WorkflowCache);
});

test('a cache whose lock was removed under it saves no more, and its refresh says why', async () => {
  const database = join(await tempFolder(), 'workflows.db');
  const source = new MemorySource({ 'f.toml': markedWorkflow('t', 'first') });
  const cache = await WorkflowCache.open({ workflows: source, storage: database });
  await unlink(`${database}.lock`);

  source.set('f.toml', markedWorkflow('t', 'second'));
  const error = await cache.refresh().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(StorageError);
  expect((error as Error).message).toContain(`the lock ${database}.lock was removed by another process`);
  await expect(cache.close()).rejects.toThrow(StorageError);
  expect(await savedMark(database)).toBe('first');
});
