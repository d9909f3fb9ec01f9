import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { MemorySource, watchWorkflows, WorkflowPathError, type Reload, type WorkflowWatcher } from '../src/index.node.js';
import { placeFiles, toml, useCaches, useTempDirs, writeFiles } from './helpers.js';

const tempDir = useTempDirs();
const { open } = useCaches();
const watchers: WorkflowWatcher[] = [];
afterEach(async () => {
  for (const w of watchers.splice(0)) await w.stop();
});

const daily = toml({ task: 'extract', rule: 'cron=0 2 * * *' });

/** A folder with one workflow file, a cache on it, and a watcher kept for cleanup. */
async function watched(options: Parameters<typeof watchWorkflows>[2] = {}) {
  const dir = join(await tempDir(), 'wf');
  await writeFiles(dir, { 'daily.toml': daily });
  const cache = await open({ workflows: dir });
  const refreshes = () => cache.stats().operations.refresh.count;
  const before = refreshes();
  const watcher = cache.watch(options);
  watchers.push(watcher);
  // The watcher's first refresh done before the test changes the folder: one under way would
  // find the folder as the change left it half-way (a file listed, then gone before it is read).
  await until(() => refreshes() > before);
  const reloads: Reload[] = [];
  watcher.onReload((r) => reloads.push(r));
  return { dir, cache, watcher, reloads };
}

function nextReload(watcher: WorkflowWatcher): Promise<Reload> {
  return new Promise((resolve) => {
    const off = watcher.onReload((r) => {
      off();
      resolve(r);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean): Promise<void> {
  while (!check()) await sleep(10);
}

describe('cache.watch()', () => {
  test('uses file events where the platform has them', async () => {
    const { watcher } = await watched();
    expect(watcher.mode).toBe('events');
  });

  test('refreshes when a file is added and tells listeners its key', async () => {
    const { dir, cache, watcher } = await watched({ debounceMs: 20 });
    const reload = nextReload(watcher);
    await placeFiles(dir, { 'sub/hourly.toml': toml({ task: 'ping', rule: 'cron=@hourly' }) });
    expect(await reload).toEqual({ changed: ['sub/hourly.toml'], failures: [] });
    expect(cache.search('ping').path).toBe('sub/hourly.toml');
  });

  test('reports a removed file as -key', async () => {
    const { dir, reloads } = await watched({ debounceMs: 20 });
    await rm(join(dir, 'daily.toml'));
    // The watcher's first refresh may have listed the file before it went, and told of a file it
    // could not read: the removal is the refresh after.
    await until(() => reloads.some((r) => r.changed.length > 0));
    expect(reloads.find((r) => r.changed.length > 0)?.changed).toEqual(['-daily.toml']);
  });

  test('a burst of writes costs one refresh', async () => {
    const { dir, watcher, reloads } = await watched({ debounceMs: 300 });
    const reload = nextReload(watcher);
    for (let i = 0; i < 5; i++) await writeFile(join(dir, 'daily.toml'), `${daily}\n# edit ${i}\n`);
    await reload;
    await sleep(500);
    expect(reloads).toHaveLength(1);
  });

  test('polls when asked, and still sees changes', async () => {
    const { dir, cache, watcher } = await watched({ poll: true, pollIntervalMs: 30 });
    expect(watcher.mode).toBe('polling');
    const reload = nextReload(watcher);
    await placeFiles(dir, { 'daily.toml': toml({ task: 'extract', rule: 'cron=0 4 * * *' }) });
    expect((await reload).changed).toEqual(['daily.toml']);
    expect(cache.search('extract').phase.rule).toBe('cron=0 4 * * *');
  });

  test('reports a file that fails to load once, not at every poll', async () => {
    const { dir, watcher, reloads } = await watched({ poll: true, pollIntervalMs: 20 });
    const reload = nextReload(watcher);
    await placeFiles(dir, { 'daily.toml': '[[phase]\n' });
    const first = await reload;
    expect(first.changed).toEqual([]);
    expect(first.failures.map((f) => f.file)).toEqual(['daily.toml']);
    await sleep(200);
    expect(reloads).toHaveLength(1);
  });

  test('hands errors that stop a refresh to error listeners', async () => {
    const { dir, watcher } = await watched({ poll: true, pollIntervalMs: 20 });
    const error = new Promise((resolve) => watcher.onError(resolve));
    await rm(dir, { recursive: true });
    expect(await error).toBeInstanceOf(WorkflowPathError);
  });

  test('keeps watching when a reload listener throws, and hands what it threw to error listeners', async () => {
    const { dir, watcher } = await watched({ debounceMs: 10 });
    watcher.onReload(() => {
      throw new Error('listener bug');
    });
    const thrown = new Promise((resolve) => watcher.onError(resolve));
    await placeFiles(dir, { 'late.toml': daily });
    expect(await thrown).toEqual(new Error('listener bug'));
    const next = nextReload(watcher);
    await placeFiles(dir, { 'later.toml': daily });
    expect((await next).changed).toEqual(['later.toml']);
  });

  test('stops by itself when its cache is closed, without an error', async () => {
    const { cache, watcher } = await watched({ poll: true, pollIntervalMs: 10 });
    const errors: unknown[] = [];
    watcher.onError((e) => errors.push(e));
    await cache.close();
    await sleep(100);
    await watcher.stop();
    expect(errors).toEqual([]);
  });

  test('after stop() no change is reported', async () => {
    const { dir, watcher, reloads } = await watched({ debounceMs: 10 });
    await watcher.stop();
    await writeFiles(dir, { 'late.toml': daily });
    await sleep(200);
    expect(reloads).toEqual([]);
  });

  test('polls a source that sends no file events, such as one in memory', async () => {
    const source = new MemorySource({ 'daily.toml': daily });
    const cache = await open({ workflows: source });
    const watcher = cache.watch({ pollIntervalMs: 20 });
    const reloads: string[][] = [];
    watcher.onReload((r) => reloads.push(r.changed));
    expect(watcher.mode).toBe('polling');
    source.set('late.toml', daily);
    while (reloads.length === 0) await sleep(10);
    await watcher.stop();
    expect(reloads[0]).toEqual(['late.toml']);
  });

  test('rejects a negative debounce', async () => {
    const dir = join(await tempDir(), 'wf');
    await writeFiles(dir, { 'daily.toml': daily });
    const cache = await open({ workflows: dir });
    expect(() => cache.watch({ debounceMs: -1 })).toThrow(/debounceMs/);
  });
});

describe('watchWorkflows()', () => {
  test('watches a single file, also when an editor saves it by rename', async () => {
    const dir = await tempDir();
    const file = join(dir, 'daily.toml');
    await writeFile(file, daily);
    const cache = await open({ workflows: file });
    const watcher = await watchWorkflows(cache, file, { debounceMs: 20 });
    watchers.push(watcher);
    const reload = nextReload(watcher);
    await writeFile(join(dir, 'daily.toml.swp'), toml({ task: 'extract', rule: 'cron=0 5 * * *' }));
    await rename(join(dir, 'daily.toml.swp'), file);
    expect((await reload).changed).toEqual(['daily.toml']);
  });

  test('rejects a path that does not exist, naming it', async () => {
    const cache = await open({ workflows: new MemorySource() });
    await expect(watchWorkflows(cache, '/no/such/folder')).rejects.toThrow(/\/no\/such\/folder/);
  });
});
