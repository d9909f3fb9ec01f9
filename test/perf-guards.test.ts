// What the speed-ups rely on: the size/mtime fast path skips only files that truly did not move,
// and remembered get() answers never outlive a change.
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemorySource, type SourceEntry, type WorkflowSource } from '../src/index.node.js';
import { useCaches, useTempDirs, writeFiles } from './helpers.js';

const phase = (task: string, rule: string) => `[[phase]]\ntask = "${task}"\nrule = "${rule}"\n`;
const inF1 = (type: string) => ({ type, meta: 'workflow=f1.toml' });

/** An hour ago: well outside the window in which an mtime is not trusted. */
const anHourAgo = () => new Date(Date.now() - 3_600_000);

/** Files in memory with a fixed size and mtime, counting reads. */
class StampedSource implements WorkflowSource {
  readonly isDir = true;
  readonly location = 'stamped';
  reads = 0;
  constructor(readonly files: Map<string, { text: string; mtimeMs: number }>) {}
  async list(): Promise<SourceEntry[]> {
    return [...this.files].map(([key, f]) => ({ key, size: Buffer.byteLength(f.text), mtimeMs: f.mtimeMs }));
  }
  async read(key: string): Promise<Uint8Array> {
    this.reads++;
    return Buffer.from(this.files.get(key)!.text);
  }
}

describe('the size and mtime fast path of refresh()', () => {
  const tempDir = useTempDirs();
  const caches = useCaches();

  it('reads no file again when none moved since it was checked', async () => {
    const source = new StampedSource(new Map([['f1.toml', { text: phase('a', 'cron=@hourly'), mtimeMs: anHourAgo().getTime() }]]));
    const cache = await caches.open({ workflows: source });
    source.reads = 0;
    await cache.refresh();
    expect(source.reads).toBe(0);
  });

  it('catches an edit that keeps the size, by its new mtime', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'f1.toml': phase('a', 'cron=@hourly') });
    await utimes(join(dir, 'f1.toml'), anHourAgo(), anHourAgo());
    const cache = await caches.open({ workflows: dir });
    await writeFile(join(dir, 'f1.toml'), phase('a', 'cron=@weekly'));
    expect(await cache.refresh()).toEqual(['f1.toml']);
    expect(cache.get(inF1('a')).rule).toBe('cron=@weekly');
  });

  it('catches an edit that keeps the size and the mtime, made within the racy window', async () => {
    const dir = await tempDir();
    const path = join(dir, 'f1.toml');
    await writeFiles(dir, { 'f1.toml': phase('a', 'cron=@hourly') });
    const cache = await caches.open({ workflows: dir });
    const before = await stat(path);
    await writeFile(path, phase('a', 'cron=@weekly'));
    await utimes(path, before.atime, before.mtime);
    expect((await stat(path)).size).toBe(before.size);
    expect(await cache.refresh()).toEqual(['f1.toml']);
    expect(cache.get(inF1('a')).rule).toBe('cron=@weekly');
  });

  it('reads a file again when its size moved though its mtime did not', async () => {
    const mtimeMs = anHourAgo().getTime();
    const source = new StampedSource(new Map([['f1.toml', { text: phase('a', 'cron=@hourly'), mtimeMs }]]));
    const cache = await caches.open({ workflows: source });
    source.files.set('f1.toml', { text: phase('a', 'cron=0 * * * *'), mtimeMs });
    expect(await cache.refresh()).toEqual(['f1.toml']);
    expect(cache.get(inF1('a')).rule).toBe('cron=0 * * * *');
  });

  it('keeps the answers of a file whose content is back to what was loaded', async () => {
    const dir = await tempDir();
    const path = join(dir, 'f1.toml');
    await writeFiles(dir, { 'f1.toml': phase('a', 'cron=@hourly') });
    const cache = await caches.open({ workflows: dir });
    await writeFile(path, await readFile(path));
    expect(await cache.refresh()).toEqual([]);
  });
});

describe('remembered get() answers', () => {
  const caches = useCaches();

  it('answer with the phase as a refresh left it', async () => {
    const source = new MemorySource({ 'f1.toml': phase('a', 'cron=@hourly') });
    const cache = await caches.open({ workflows: source });
    expect(cache.get(inF1('a')).rule).toBe('cron=@hourly');
    source.set('f1.toml', phase('a', 'cron=@weekly'));
    await cache.refresh();
    expect(cache.get(inF1('a')).rule).toBe('cron=@weekly');
  });

  it('are forgotten when their file is removed', async () => {
    const source = new MemorySource({ 'f1.toml': phase('a', 'cron=@hourly') });
    const cache = await caches.open({ workflows: source });
    cache.get(inF1('a'));
    source.delete('f1.toml');
    await cache.refresh();
    expect(cache.get(inF1('a')).task).toBe('');
  });

  it('are forgotten when another file now answers a workflow=* lookup first', async () => {
    const source = new MemorySource({ 'f2.toml': phase('a', 'cron=@hourly') });
    const cache = await caches.open({ workflows: source });
    expect(cache.get({ type: 'a', meta: 'workflow=*' }).rule).toBe('cron=@hourly');
    source.set('f1.toml', phase('a', 'cron=@weekly'));
    await cache.refresh();
    expect(cache.get({ type: 'a', meta: 'workflow=*' }).rule).toBe('cron=@weekly');
  });

  it('remember a miss only until the phase appears', async () => {
    const source = new MemorySource({ 'f1.toml': phase('a', 'cron=@hourly') });
    const cache = await caches.open({ workflows: source });
    expect(cache.get(inF1('b')).task).toBe('');
    source.set('f1.toml', phase('a', 'cron=@hourly') + phase('b', 'cron=@daily'));
    await cache.refresh();
    expect(cache.get(inF1('b')).task).toBe('b');
  });

  it('are not changed by a caller changing the phase it was given', async () => {
    const cache = await caches.openMemory({ 'f1.toml': phase('a', 'cron=@hourly') });
    cache.get(inF1('a')).rule = 'changed by the caller';
    expect(cache.get(inF1('a')).rule).toBe('cron=@hourly');
  });

  it('tell apart tasks whose fields join to the same text', async () => {
    const cache = await caches.openMemory({ 'f1.toml': phase('a:b', 'cron=@hourly') + phase('a', 'cron=@daily') });
    expect(cache.get({ type: 'a', job: 'b', meta: 'workflow=f1.toml' }).task).toBe('a:b');
    expect(cache.get({ type: 'a', job: '', meta: 'workflow=f1.toml' }).task).toBe('a:b');
    expect(cache.get({ type: 'a', meta: 'job=b&workflow=f1.toml' }).task).toBe('a:b');
    expect(cache.get({ type: 'ab', meta: 'workflow=f1.toml' }).task).toBe('');
  });
});

describe('phases of a file held in memory for lookups', () => {
  const caches = useCaches();
  const after = (task: string, parent: string) => `[[phase]]\ntask = "${task}"\ndependsOn = "${parent}"\n`;
  const tasksOf = (phases: { task: string }[]) => phases.map((p) => p.task);

  it('answer children() with the file as a refresh left it', async () => {
    const source = new MemorySource({ 'f1.toml': phase('a', 'cron=@hourly') + after('b', 'a') });
    const cache = await caches.open({ workflows: source });
    expect(tasksOf(cache.children(inF1('a')))).toEqual(['b']);
    source.set('f1.toml', phase('a', 'cron=@hourly') + after('b', 'a') + after('c', 'a'));
    await cache.refresh();
    expect(tasksOf(cache.children(inF1('a')))).toEqual(['b', 'c']);
  });

  it('answer get() with the file as a refresh left it', async () => {
    const source = new MemorySource({ 'f1.toml': phase('a', 'cron=@hourly') + after('b', 'a') });
    const cache = await caches.open({ workflows: source });
    expect(cache.get(inF1('b')).dependsOn).toBe('a');
    source.set('f1.toml', phase('a', 'cron=@hourly') + phase('b', 'cron=@daily'));
    await cache.refresh();
    expect(cache.get(inF1('b')).rule).toBe('cron=@daily');
  });

  it('answer a file that was edited while another one was asked about since', async () => {
    const source = new MemorySource({ 'f1.toml': phase('a', 'cron=@hourly'), 'f2.toml': phase('a', 'cron=@daily') });
    const cache = await caches.open({ workflows: source });
    cache.get(inF1('a'));
    source.set('f1.toml', phase('a', 'cron=@weekly'));
    await cache.refresh();
    expect(cache.get({ type: 'a', meta: 'workflow=f2.toml' }).rule).toBe('cron=@daily');
    expect(cache.get(inF1('a')).rule).toBe('cron=@weekly');
  });

  it('are forgotten when their file is removed', async () => {
    const source = new MemorySource({ 'f1.toml': phase('a', 'cron=@hourly') + after('b', 'a') });
    const cache = await caches.open({ workflows: source });
    expect(tasksOf(cache.children(inF1('a')))).toEqual(['b']);
    source.delete('f1.toml');
    await cache.refresh();
    expect(cache.children(inF1('a'))).toEqual([]);
    expect(cache.get(inF1('a')).task).toBe('');
  });

  it('answer for a file that appears after it was asked about', async () => {
    const source = new MemorySource({ 'f2.toml': phase('a', 'cron=@daily') });
    const cache = await caches.open({ workflows: source });
    expect(cache.get(inF1('a')).task).toBe('');
    source.set('f1.toml', phase('a', 'cron=@weekly') + after('b', 'a'));
    await cache.refresh();
    expect(cache.get(inF1('a')).rule).toBe('cron=@weekly');
    expect(tasksOf(cache.children(inF1('a')))).toEqual(['b']);
  });

  it('give way to a new file that now answers a workflow=* lookup first', async () => {
    const source = new MemorySource({ 'f2.toml': phase('a', 'cron=@daily') });
    const cache = await caches.open({ workflows: source });
    expect(cache.get({ type: 'a', meta: 'workflow=f2.toml' }).rule).toBe('cron=@daily');
    expect(cache.get({ type: 'a', meta: 'workflow=*' }).rule).toBe('cron=@daily');
    source.set('f1.toml', phase('a', 'cron=@weekly'));
    await cache.refresh();
    expect(cache.get({ type: 'a', meta: 'workflow=*' }).rule).toBe('cron=@weekly');
    expect(cache.get({ type: 'a', meta: 'workflow=f2.toml' }).rule).toBe('cron=@daily');
  });

  it('are not changed by a caller changing the phases it was given', async () => {
    const cache = await caches.openMemory({ 'f1.toml': phase('a', 'cron=@hourly') + after('b', 'a') });
    cache.get(inF1('b')).dependsOn = 'changed by the caller';
    cache.children(inF1('a'))[0].task = 'changed by the caller';
    expect(cache.get(inF1('b')).dependsOn).toBe('a');
    expect(tasksOf(cache.children(inF1('a')))).toEqual(['b']);
  });

  it('answer as the database does when more files are asked about than lookupMemory holds', async () => {
    // 60 files of 100 phases against a budget of some ten of them: files are let go and read again.
    const files: Record<string, string> = {};
    for (let f = 0; f < 60; f++) {
      files[`f${f}.toml`] = phase('p0', `cron=@hourly&job=j${f % 3}`) + Array.from({ length: 99 }, (_, i) => after(`p${i + 1}`, `p${i}`)).join('');
    }
    const held = await caches.open({ workflows: new MemorySource(files), lookupMemory: 256 * 1024 });
    const database = await caches.open({ workflows: new MemorySource(files), lookupMemory: 0 });
    const answers = (cache: typeof held) => {
      const seen: unknown[] = [];
      for (let round = 0; round < 3; round++) {
        for (let f = 0; f < 60; f++) {
          // Files revisited out of order, so the sweep keeps some and lets others go.
          const meta = `workflow=f${(f * 7 + round * 13) % 60}.toml`;
          const p = (f + round) % 100;
          seen.push(cache.get({ type: `p${p}`, meta }), cache.get({ type: 'p0', job: `j${f % 3}`, meta }), cache.children({ type: `p${p}`, meta }));
        }
      }
      return seen;
    };
    expect(answers(held)).toEqual(answers(database));
    expect(answers(held).filter((a) => !Array.isArray(a) && (a as { task: string }).task !== '').length).toBeGreaterThan(200);
  });

  it('answer a file too large for lookupMemory from the database', async () => {
    const cache = await caches.open({ workflows: new MemorySource({ 'f1.toml': phase('a', 'cron=@hourly') + after('b', 'a') }), lookupMemory: 100 });
    expect(cache.get(inF1('b')).dependsOn).toBe('a');
    expect(tasksOf(cache.children(inF1('a')))).toEqual(['b']);
  });

  it('refuse a lookupMemory that is not a whole number of bytes from 0', async () => {
    await expect(caches.open({ workflows: new MemorySource(), lookupMemory: -1 })).rejects.toThrow(RangeError);
    await expect(caches.open({ workflows: new MemorySource(), lookupMemory: 1.5 })).rejects.toThrow('"lookupMemory" option must be a whole number of bytes');
  });
});

describe('a task meta read without parsing', () => {
  const caches = useCaches();

  it('is only one plain workflow= pair: escapes, spaces, other pairs and semicolons mean what they mean to Go', async () => {
    const cache = await caches.openMemory({ 'a b.toml': phase('a', 'cron=@hourly'), 'a%20b.toml': phase('a', 'cron=@daily') });
    expect(cache.get({ type: 'a', meta: 'workflow=a%20b.toml' }).rule).toBe('cron=@hourly');
    expect(cache.get({ type: 'a', meta: 'workflow=a+b.toml' }).rule).toBe('cron=@hourly');
    expect(cache.get({ type: 'a', meta: 'workflow=a%2520b.toml' }).rule).toBe('cron=@daily');
    expect(cache.get({ type: 'a', meta: 'workflow=a b.toml&workflow=a%2520b.toml' }).rule).toBe('cron=@hourly');
    expect(cache.get({ type: 'a', meta: 'workflow=a b.toml;x' }).task).toBe('');
    expect(cache.children({ type: 'a', meta: 'workflow=a+b.toml' })).toEqual([]);
  });
});
