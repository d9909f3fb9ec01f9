// A cache that watches its folder refreshes by the paths its events named, and must still find
// every change: each test makes one kind of change, then compares what refresh() reports and what
// the cache holds with what is on disk. The watcher's own refreshes wait a minute, so that every
// refresh here is the test's.
import { renameSync, writeFileSync } from 'node:fs';
import { link, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { WorkflowPathError, type Reload, type WorkflowCache, type WorkflowWatcher } from '../src/index.node.js';
import { toml, useCaches, useTempDirs, writeFiles } from './helpers.js';

const tempDir = useTempDirs();
const { open } = useCaches();
const watchers: WorkflowWatcher[] = [];
afterEach(async () => {
  for (const w of watchers.splice(0)) await w.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rule = (n: number) => toml({ task: 'extract', rule: `cron=${n} 2 * * *` });

/** A watched cache on a folder of a few files, past its first refresh (which looks at everything). */
async function watchedFolder() {
  const dir = join(await tempDir(), 'wf');
  await writeFiles(dir, { 'a.toml': rule(1), 'b.toml': rule(2), 'team/c.toml': rule(3), 'team/deep/d.toml': rule(4) });
  const cache = await open({ workflows: dir });
  const watcher = cache.watch({ debounceMs: 60_000 });
  watchers.push(watcher);
  await cache.refresh();
  return { dir, cache, watcher };
}

/** The key of every file below `dir`, sorted: what a cache of it must hold. */
async function filesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/')).sort();
}

/** refresh() once the events are in, sorted, with the files the cache holds then. */
async function refreshAfterEvents(cache: WorkflowCache) {
  await sleep(100);
  const changed = await cache.refresh();
  return { changed: changed.sort(), held: cache.files().map((f) => f.file) };
}

describe('a watched refresh, by the paths its events named', () => {
  test('finds a file changed in a sub-folder, and only it', async () => {
    const { dir, cache } = await watchedFolder();
    await writeFile(join(dir, 'team/deep/d.toml'), rule(9));
    expect((await refreshAfterEvents(cache)).changed).toEqual(['team/deep/d.toml']);
    expect(cache.get({ type: 'extract', meta: 'workflow=team/deep/d.toml' }).rule).toBe('cron=9 2 * * *');
  });

  test('finds a file deleted', async () => {
    const { dir, cache } = await watchedFolder();
    await rm(join(dir, 'b.toml'));
    const { changed, held } = await refreshAfterEvents(cache);
    expect(changed).toEqual(['-b.toml']);
    expect(held).toEqual(await filesIn(dir));
  });

  test('finds a file renamed: gone under its old key, loaded under its new one', async () => {
    const { dir, cache } = await watchedFolder();
    await rename(join(dir, 'a.toml'), join(dir, 'team/a2.toml'));
    const { changed, held } = await refreshAfterEvents(cache);
    expect(changed).toEqual(['-a.toml', 'team/a2.toml']);
    expect(held).toEqual(await filesIn(dir));
  });

  test('finds files written into a folder made just before, also those written after its listing', async () => {
    const { dir, cache } = await watchedFolder();
    await mkdir(join(dir, 'new/inner'), { recursive: true });
    await writeFile(join(dir, 'new/inner/e.toml'), rule(5));
    expect((await refreshAfterEvents(cache)).changed).toEqual(['new/inner/e.toml']);
    // Written after the folder was listed: only its own watcher, set up before that listing, tells of it.
    await writeFile(join(dir, 'new/inner/f.toml'), rule(6));
    const { changed, held } = await refreshAfterEvents(cache);
    expect(changed).toEqual(['new/inner/f.toml']);
    expect(held).toEqual(await filesIn(dir));
  });

  test('finds a file replaced atomically (written to a temporary file, renamed over it)', async () => {
    const { dir, cache } = await watchedFolder();
    await writeFile(join(dir, 'team/.c.toml.tmp'), rule(7));
    await rename(join(dir, 'team/.c.toml.tmp'), join(dir, 'team/c.toml'));
    const { changed, held } = await refreshAfterEvents(cache);
    expect(changed).toEqual(['team/c.toml']);
    expect(held).toEqual(await filesIn(dir));
    expect(cache.get({ type: 'extract', meta: 'workflow=team/c.toml' }).rule).toBe('cron=7 2 * * *');
  });

  test("finds a file saved as editors save (the old one renamed to a backup, the new one written, the backup removed)", async () => {
    const { dir, cache } = await watchedFolder();
    await rename(join(dir, 'a.toml'), join(dir, 'a.toml~'));
    await writeFile(join(dir, 'a.toml'), rule(8));
    await rm(join(dir, 'a.toml~'));
    const { changed, held } = await refreshAfterEvents(cache);
    expect(changed).toEqual(['a.toml']);
    expect(held).toEqual(await filesIn(dir));
  });

  test('finds every file of a folder removed, and of a folder renamed', async () => {
    const { dir, cache } = await watchedFolder();
    await rename(join(dir, 'team'), join(dir, 'squad'));
    let { changed, held } = await refreshAfterEvents(cache);
    expect(changed).toEqual(['-team/c.toml', '-team/deep/d.toml', 'squad/c.toml', 'squad/deep/d.toml']);
    expect(held).toEqual(await filesIn(dir));
    await rm(join(dir, 'squad'), { recursive: true });
    ({ changed, held } = await refreshAfterEvents(cache));
    expect(changed).toEqual(['-squad/c.toml', '-squad/deep/d.toml']);
    expect(held).toEqual(await filesIn(dir));
  });

  test('finds a folder replaced by a file of its name', async () => {
    const { dir, cache } = await watchedFolder();
    await rm(join(dir, 'team'), { recursive: true });
    await writeFile(join(dir, 'team'), rule(10));
    const { changed, held } = await refreshAfterEvents(cache);
    expect(changed).toEqual(['-team/c.toml', '-team/deep/d.toml', 'team']);
    expect(held).toEqual(await filesIn(dir));
  });
});

describe('a watched refresh that cannot trust its events looks at everything', () => {
  /** A change no event tells of: written through a hard link outside the watched folder. */
  async function unseenEdit(dir: string, key: string, n: number) {
    const outside = join(dir, '..', `outside-${n}.toml`);
    await rm(outside, { force: true });
    await link(join(dir, key), outside);
    await writeFile(outside, rule(n));
  }

  test('the events alone are looked at: a change no event told of waits for a refresh of everything', async () => {
    // This pins the shortcut: without it, the refresh would stat every file and see the change.
    const { dir, cache } = await watchedFolder();
    await unseenEdit(dir, 'a.toml', 20);
    expect((await refreshAfterEvents(cache)).changed).toEqual([]);
  });

  test('the first refresh after watch() begins looks at everything', async () => {
    const dir = join(await tempDir(), 'wf');
    await writeFiles(dir, { 'a.toml': rule(1) });
    const cache = await open({ workflows: dir });
    await unseenEdit(dir, 'a.toml', 21);
    watchers.push(cache.watch({ debounceMs: 60_000 }));
    expect((await refreshAfterEvents(cache)).changed).toEqual(['a.toml']);
  });

  test('a watcher refreshes soon after it starts, looking at everything, and reports what changed before', async () => {
    const dir = join(await tempDir(), 'wf');
    await writeFiles(dir, { 'a.toml': rule(1) });
    const cache = await open({ workflows: dir });
    await unseenEdit(dir, 'a.toml', 25);
    const watcher = cache.watch({ debounceMs: 20 });
    watchers.push(watcher);
    const reload = await new Promise<Reload>((resolve) => watcher.onReload(resolve));
    expect(reload.changed).toEqual(['a.toml']);
  });

  test('more events than the inotify queue could hold without loss: the next refresh looks at everything', async () => {
    const { dir, cache } = await watchedFolder();
    await unseenEdit(dir, 'a.toml', 22);
    // Writes to many files in turn (the kernel merges repeats of one event only back to back).
    const names = Array.from({ length: 50 }, (_, i) => join(dir, `noise-${i}.toml`));
    for (let round = 0; round < 200; round++) for (const name of names) writeFileSync(name, `# ${round}\n`);
    await sleep(300);
    const changed = await cache.refresh();
    expect(changed).toContain('a.toml');
  }, 30_000);

  test('the workflows folder gone and back: the refresh that finds it looks at everything', async () => {
    const { dir, cache } = await watchedFolder();
    await rename(dir, `${dir}.away`);
    await sleep(150);
    await unseenEdit(`${dir}.away`, 'a.toml', 23);
    await rename(`${dir}.away`, dir);
    await sleep(150);
    expect(await cache.refresh()).toContain('a.toml');
  });

  test('a file deleted, then the workflows folder gone before its own event is in: a failure of the folder, no file removed', async () => {
    const { dir, cache } = await watchedFolder();
    await rm(join(dir, 'b.toml'));
    await sleep(100); // the file's event in
    renameSync(dir, `${dir}.away`); // and the refresh asked in the same turn, before the folder's event
    await expect(cache.refresh()).rejects.toBeInstanceOf(WorkflowPathError);
    expect(cache.files().map((f) => f.file)).toEqual(['a.toml', 'b.toml', 'team/c.toml', 'team/deep/d.toml']);
  });

  test('a watcher that polls hands over nothing: every refresh looks at everything', async () => {
    const dir = join(await tempDir(), 'wf');
    await writeFiles(dir, { 'a.toml': rule(1) });
    const cache = await open({ workflows: dir });
    watchers.push(cache.watch({ poll: true, pollIntervalMs: 60_000 }));
    await cache.refresh();
    await unseenEdit(dir, 'a.toml', 24);
    expect(await cache.refresh()).toEqual(['a.toml']);
  });
});
