// The watcher survives: a workflows folder deleted, renamed away or swapped under its name, and
// folders made or replaced below it, leave the watcher watching; a vanished folder is a failed
// refresh (phases kept, nothing reported removed, told once), not an empty one.
import { spawn } from 'node:child_process';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, onTestFinished, test } from 'vitest';
import { WorkflowPathError, type Reload, type WorkflowCache, type WatchOptions } from '../../src/index.node.js';
import { markedWorkflow, openCache, tempFolder } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds; fails naming `what` after a few seconds, well before the test's timeout. */
async function until(what: string, check: () => boolean, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

/** A folder `wf` with `daily.toml`, a cache on it, and a watcher recording what it tells. */
async function watched(options: WatchOptions = { debounceMs: 20, pollIntervalMs: 50 }) {
  const parent = await tempFolder();
  const dir = join(parent, 'wf');
  await mkdir(dir);
  await writeFile(join(dir, 'daily.toml'), markedWorkflow('daily', 'v1'));
  const cache = await openCache({ workflows: dir });
  const refreshes = () => cache.stats().operations.refresh.count;
  const before = refreshes();
  const watcher = cache.watch(options);
  onTestFinished(() => watcher.stop());
  // The watcher's first refresh done before the test changes the folder: one that listed a file
  // and then found it gone would rightly tell of a file it could not read.
  await until("the watcher's first refresh is done", () => refreshes() > before);
  const reloads: Reload[] = [];
  const errors: unknown[] = [];
  watcher.onReload((r) => reloads.push(r));
  watcher.onError((e) => errors.push(e));
  return { parent, dir, cache, watcher, reloads, errors };
}

/** The template `daily.toml`'s first phase has in the cache: which version it holds. */
function version(cache: WorkflowCache): string {
  return cache.get({ type: 'daily-1', meta: 'workflow=daily.toml' }).template;
}

test('a deleted workflows folder keeps its phases, reports nothing removed, and is told once', async () => {
  const { dir, cache, watcher, reloads, errors } = await watched();
  await rm(dir, { recursive: true });
  await until('the error is told', () => errors.length > 0);
  await sleep(300); // six polls
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(WorkflowPathError);
  expect((errors[0] as Error).message).toMatch(/wf: does not exist/);
  expect(reloads).toEqual([]);
  expect(version(cache)).toBe('v1');
  expect(watcher.mode).toBe('polling');
});

test('a deleted workflows folder made again is reloaded, then watched by events again', async () => {
  const { dir, cache, watcher, reloads, errors } = await watched();
  await rm(dir, { recursive: true });
  await until('the error is told', () => errors.length > 0);
  await mkdir(dir);
  await writeFile(join(dir, 'daily.toml'), markedWorkflow('daily', 'v2'));
  await until('the folder is reloaded', () => reloads.some((r) => r.changed.includes('daily.toml')));
  expect(reloads.at(-1)).toEqual({ changed: ['daily.toml'], failures: [] });
  expect(version(cache)).toBe('v2');
  expect(watcher.mode).toBe('events');
  await writeFile(join(dir, 'daily.toml'), markedWorkflow('daily', 'v3'));
  await until('a later edit is reloaded', () => version(cache) === 'v3');
});

test('a workflows folder renamed away and back is watched again, and what changed meanwhile reloaded', async () => {
  const { dir, cache, watcher, reloads, errors } = await watched();
  await rename(dir, `${dir}.away`);
  await until('the error is told', () => errors.length > 0);
  expect(watcher.mode).toBe('polling');
  await writeFile(join(`${dir}.away`, 'daily.toml'), markedWorkflow('daily', 'v2'));
  await rename(`${dir}.away`, dir);
  await until('the folder is reloaded', () => reloads.length > 0);
  expect(reloads[0]).toEqual({ changed: ['daily.toml'], failures: [] });
  expect(watcher.mode).toBe('events');
  await writeFile(join(dir, 'late.toml'), markedWorkflow('late', 'v1'));
  await until('a file added later is reloaded', () => reloads.some((r) => r.changed.includes('late.toml')));
  expect(version(cache)).toBe('v2');
});

test('a workflows folder swapped for another under its name: the new one is reloaded and watched', async () => {
  const { parent, dir, cache, reloads } = await watched();
  const next = join(parent, 'next');
  await mkdir(next);
  await writeFile(join(next, 'daily.toml'), markedWorkflow('daily', 'v2'));
  await rename(dir, join(parent, 'old'));
  await rename(next, dir);
  await until('the new folder is reloaded', () => reloads.some((r) => r.changed.includes('daily.toml')));
  expect(version(cache)).toBe('v2');
  const before = reloads.length;
  await writeFile(join(dir, 'daily.toml'), markedWorkflow('daily', 'v3'));
  await until('an edit in the new folder is reloaded', () => reloads.length > before);
  expect(version(cache)).toBe('v3');
  await writeFile(join(parent, 'old', 'daily.toml'), markedWorkflow('daily', 'old'));
  await sleep(300);
  expect(version(cache)).toBe('v3'); // the folder swapped out is no longer watched
  expect(reloads.length).toBe(before + 1);
});

test('while polling, a folder that stays away is told once, not at every poll', async () => {
  const { dir, errors } = await watched({ poll: true, pollIntervalMs: 20 });
  await rm(dir, { recursive: true });
  await until('the error is told', () => errors.length > 0);
  await sleep(300); // fifteen polls
  expect(errors).toHaveLength(1);
});

test('a sub-folder made after the watch began is watched: later edits inside it are reloaded', async () => {
  const { dir, cache, reloads } = await watched();
  await mkdir(join(dir, 'team'));
  await writeFile(join(dir, 'team', 'hourly.toml'), markedWorkflow('hourly', 'v1'));
  await until('the new file is reloaded', () => reloads.some((r) => r.changed.includes('team/hourly.toml')));
  await writeFile(join(dir, 'team', 'hourly.toml'), markedWorkflow('hourly', 'v2'));
  await until('the edit is reloaded', () => cache.search('hourly-1').phase.template === 'v2');
});

test('a sub-folder replaced by another of its name is watched anew', async () => {
  const { dir, cache } = await watched();
  await mkdir(join(dir, 'team'));
  await writeFile(join(dir, 'team', 'hourly.toml'), markedWorkflow('hourly', 'v1'));
  await until('the first folder is reloaded', () => cache.search('hourly-1').phase.template === 'v1');
  await mkdir(join(dir, 'team.next'));
  await writeFile(join(dir, 'team.next', 'hourly.toml'), markedWorkflow('hourly', 'v2'));
  await rm(join(dir, 'team'), { recursive: true });
  await rename(join(dir, 'team.next'), join(dir, 'team'));
  await until('the new folder is reloaded', () => cache.search('hourly-1').phase.template === 'v2');
  await writeFile(join(dir, 'team', 'hourly.toml'), markedWorkflow('hourly', 'v3'));
  await until('an edit in the new folder is reloaded', () => cache.search('hourly-1').phase.template === 'v3');
});

test('a rewrite of 1,000 files by another process is reloaded in full', async () => {
  const { dir, cache, reloads } = await watched({ debounceMs: 50 });
  const keys = Array.from({ length: 1000 }, (_, i) => `team-${i % 10}/f${i}.toml`);
  for (let t = 0; t < 10; t++) await mkdir(join(dir, `team-${t}`));
  await Promise.all(keys.map((key) => writeFile(join(dir, key), markedWorkflow(key.replace(/\W/g, '-'), 'v1'))));
  await until('the files are loaded', () => cache.phases().length === 2 * 1001, 30_000);
  const script = `const fs = require('fs'); for (const key of ${JSON.stringify(keys)}) fs.writeFileSync(${JSON.stringify(dir)} + '/' + key, ${JSON.stringify(markedWorkflow('KEY', 'v2'))}.replaceAll('KEY', key.replace(/\\W/g, '-')));`;
  // Every refresh of the first writes told before the rewrite's are counted: one still running
  // when the phases were all in would tell of files loaded with their first content.
  for (let told = -1; told !== reloads.length; await sleep(300)) told = reloads.length;
  reloads.length = 0;
  const writer = spawn(process.execPath, ['-e', script], { stdio: 'inherit' });
  expect(await new Promise((r) => writer.on('exit', r))).toBe(0);
  const rewritten = () => cache.phases().filter((p) => p.template === 'v2').length === 2 * keys.length;
  await until('every file holds its rewrite', rewritten, 30_000);
  await until('every file is reported reloaded', () => new Set(reloads.flatMap((r) => r.changed)).size === keys.length, 30_000);
  expect(new Set(reloads.flatMap((r) => r.changed))).toEqual(new Set(keys));
  expect(cache.phases()).toHaveLength(2 * 1001);
});

test('a refresh of 1,000 rewritten files lets timers run while it works', async () => {
  const dir = await tempFolder();
  const keys = Array.from({ length: 1000 }, (_, i) => `f${i}.toml`);
  await Promise.all(keys.map((key) => writeFile(join(dir, key), markedWorkflow(`p${key.slice(1, -5)}`, 'v1'))));
  const cache = await openCache({ workflows: dir });
  await Promise.all(keys.map((key) => writeFile(join(dir, key), markedWorkflow(`p${key.slice(1, -5)}`, 'v2'))));
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  const ticksWhileRefreshing = await cache.refresh().then(() => ticks);
  clearInterval(timer);
  expect(ticksWhileRefreshing).toBeGreaterThan(0);
  expect(cache.phases().every((p) => p.template === 'v2')).toBe(true);
});
