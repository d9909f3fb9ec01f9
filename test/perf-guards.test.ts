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
