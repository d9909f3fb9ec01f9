// Refreshes called at once run one after another, each with a right result;
// lookups during a refresh see each file before or after it, never half; one writer per database
// file, with a dead writer's lock taken over.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { DatabaseLockedError, MemorySource, WorkflowCache, type SourceEntry, type WorkflowSource } from '../../src/index.node.js';
import { leftovers, markedWorkflow, openCache, tempFolder } from './helpers.js';
import { saverPath } from './setup/saver-path.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/**
 * Files whose content moves on to a new version at every `list()`, read slowly; it notes any
 * listing that starts while reads of the previous one are still out, which only overlapping
 * refreshes cause.
 */
class VersioningSource implements WorkflowSource {
  readonly isDir = true;
  readonly location = 'versioning source';
  version = 0;
  overlaps = 0;
  #reading = 0;

  constructor(readonly keys: string[], readonly phasesPerFile = 3) {}

  async list(): Promise<SourceEntry[]> {
    if (this.#reading > 0) this.overlaps++;
    this.version++;
    return this.keys.map((key) => ({ key }));
  }

  async read(key: string): Promise<Uint8Array> {
    const version = this.version;
    this.#reading++;
    try {
      await tick();
      return new TextEncoder().encode(markedWorkflow(key.replace('.toml', ''), `v${version}`, this.phasesPerFile));
    } finally {
      this.#reading--;
    }
  }
}

test('twenty refreshes called at once run one at a time, each loading the version it listed', async () => {
  const keys = ['a.toml', 'b.toml', 'c.toml'];
  const source = new VersioningSource(keys);
  const cache = await openCache({ workflows: source });
  const results = await Promise.all(Array.from({ length: 20 }, () => cache.refresh()));

  expect(source.overlaps).toBe(0);
  expect(results).toEqual(Array.from({ length: 20 }, () => keys));
  expect(new Set(cache.phases().map((p) => p.template))).toEqual(new Set([`v${source.version}`]));
});

test('lookups during a refresh see each file before or after it, never half', async () => {
  const keys = Array.from({ length: 600 }, (_, i) => `w${String(i).padStart(3, '0')}.toml`);
  const source = new VersioningSource(keys, 4);
  const cache = await openCache({ workflows: source });
  const refreshing = cache.refresh();
  let looks = 0;
  let settled = false;
  void refreshing.finally(() => (settled = true));
  while (!settled) {
    const marks = new Map<string, Set<string>>();
    for (const p of cache.phases()) (marks.get(p.filePath) ?? marks.set(p.filePath, new Set()).get(p.filePath)!).add(p.template);
    for (const [file, versions] of marks) expect(versions.size, file).toBe(1);
    expect(cache.get({ type: 'w300-4', meta: 'workflow=w300.toml' }).template).toMatch(/^v[12]$/);
    looks++;
    await tick();
  }
  await refreshing;
  expect(looks, 'the lookups ran while the refresh was under way').toBeGreaterThan(1);
  expect(new Set(cache.phases().map((p) => p.template))).toEqual(new Set(['v2']));
});

test('a second cache on the same database file is refused with DatabaseLockedError naming the holder', async () => {
  const folder = await tempFolder();
  const database = join(folder, 'workflows.db');
  const first = await openCache({ workflows: new MemorySource({ 'f.toml': markedWorkflow('t', 'first') }), storage: database });

  const error = await WorkflowCache.open({ workflows: new MemorySource(), storage: database }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DatabaseLockedError);
  expect((error as DatabaseLockedError).pid).toBe(process.pid);
  expect((error as Error).message).toContain(database);
  expect((error as Error).message).toContain(`${database}.lock`);
  // The refused cache changed nothing: the first still holds the lock and its saves land.
  expect(first.get({ type: 't-1', meta: 'workflow=f.toml' }).template).toBe('first');
  await first.close();
  expect(existsSync(`${database}.lock`)).toBe(false);

  const second = await openCache({ workflows: new MemorySource({ 'f.toml': markedWorkflow('t', 'first') }), storage: database });
  expect(await second.refresh()).toEqual([]);
});

test('a database held by a live process elsewhere is refused with that process named', async () => {
  const folder = await tempFolder();
  const database = join(folder, 'workflows.db');
  const saver = spawn(process.execPath, [saverPath, database, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      saver.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      saver.on('exit', () => reject(new Error('saver exited early')));
    });
    const error = await WorkflowCache.open({ workflows: new MemorySource(), storage: database }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseLockedError);
    expect((error as DatabaseLockedError).pid).toBe(saver.pid);
  } finally {
    saver.kill('SIGKILL');
  }
});

test('the lock of a process that died is taken over', async () => {
  const folder = await tempFolder();
  const database = join(folder, 'workflows.db');
  const saver = spawn(process.execPath, [saverPath, database, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => saver.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve()));
  saver.kill('SIGKILL');
  await new Promise((resolve) => saver.on('exit', resolve));
  expect(existsSync(`${database}.lock`), 'the dead saver left its lock').toBe(true);

  const cache = await openCache({ workflows: new MemorySource({ 'f.toml': markedWorkflow('t', 'x') }), storage: database });
  expect(cache.get({ type: 't-1', meta: 'workflow=f.toml' }).template).toBe('x');
  await expect(WorkflowCache.open({ workflows: new MemorySource(), storage: database })).rejects.toThrow(DatabaseLockedError);
});

test('a lock from another machine is never taken over: its holder cannot be checked', async () => {
  const folder = await tempFolder();
  const database = join(folder, 'workflows.db');
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  await writeFile(`${database}.lock`, JSON.stringify({ pid: dead, hostname: `not-${hostname()}` }));

  const error = await WorkflowCache.open({ workflows: new MemorySource(), storage: database }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DatabaseLockedError);
  expect((error as DatabaseLockedError).hostname).toBe(`not-${hostname()}`);
});

test('a cache without storage takes no lock: many may open at once', async () => {
  const caches = await Promise.all(Array.from({ length: 5 }, () => openCache({ workflows: new MemorySource({ 'f.toml': markedWorkflow('t', 'x') }) })));
  for (const cache of caches) expect(cache.get({ type: 't-2', meta: 'workflow=f.toml' }).template).toBe('x');
});

test('a lock file that names no process is held by "another process", never taken over', async () => {
  const folder = await tempFolder();
  const database = join(folder, 'workflows.db');
  await writeFile(`${database}.lock`, '');

  const error = await WorkflowCache.open({ workflows: new MemorySource(), storage: database }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DatabaseLockedError);
  expect((error as Error).message).toContain('another process');
  expect(existsSync(`${database}.lock`)).toBe(true);
});

test('what a dead process left while taking over a lock is cleaned up at the next open', async () => {
  const folder = await tempFolder();
  const database = join(folder, 'workflows.db');
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  await writeFile(`${database}.lock.${dead}.abc123.stale`, JSON.stringify({ pid: 1, hostname: hostname() }));
  await writeFile(`${database}.${dead}.abc123.tmp`, 'half an image');

  await (await openCache({ workflows: new MemorySource(), storage: database })).close();
  expect(await leftovers(folder, 'workflows.db')).toEqual([]);
});
