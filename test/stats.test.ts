import { describe, expect, test } from 'vitest';
import { MemorySource, MemoryStorage, type StorageAdapter } from '../src/index.node.js';
import { percentile, SAMPLES } from '../src/stats.js';
import { toml, useCaches } from './helpers.js';

const { open, openMemory } = useCaches();

const files = {
  'a.toml': toml({ task: 'extract', rule: 'cron=0 2 * * *' }, { task: 'load', dependsOn: 'extract' }),
  'b.toml': toml({ task: 'orphan', dependsOn: 'nobody' }),
};

describe('cache.stats()', () => {
  test('counts files, phases, phases with problems and failed files', async () => {
    const cache = await openMemory({ ...files, 'bad.toml': 'not toml [' });
    expect(cache.stats()).toMatchObject({ files: 2, phases: 3, problems: 1, failedFiles: 1, historyVersions: 0 });
  });

  test('gives the database size as page count times page size', async () => {
    const cache = await openMemory(files);
    const [{ size }] = cache.query('SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()');
    expect(cache.stats().databaseBytes).toBe(size);
    expect(cache.stats().databaseBytes).toBeGreaterThan(0);
  });

  test('counts the calls of each operation', async () => {
    const cache = await openMemory(files);
    const task = { type: 'extract', meta: 'workflow=a.toml' };
    cache.get(task);
    cache.get(task);
    cache.children(task);
    cache.search('load');
    await cache.refresh();
    const { operations } = cache.stats();
    expect(operations.get.count).toBe(2);
    expect(operations.children.count).toBe(1);
    expect(operations.search.count).toBe(1);
    expect(operations.refresh.count).toBe(2); // the one in open, and this one
  });

  test('counts failed calls as errors', async () => {
    const cache = await openMemory(files);
    expect(() => cache.get(null as never)).toThrow(TypeError);
    expect(() => cache.children('x' as never)).toThrow(TypeError);
    const { operations } = cache.stats();
    expect(operations.get).toMatchObject({ count: 1, errors: 1 });
    expect(operations.children).toMatchObject({ count: 1, errors: 1 });
    expect(operations.search).toMatchObject({ count: 0, errors: 0 });
  });

  test('counts a refresh in which files failed as a refresh error', async () => {
    const source = new MemorySource(files);
    const cache = await open({ workflows: source });
    source.set('a.toml', '[[phase]');
    await expect(cache.refresh()).rejects.toThrow(/a\.toml/);
    expect(cache.stats().operations.refresh.errors).toBe(1);
  });

  test('times saves, and counts the failed ones', async () => {
    let fail = false;
    const inner = new MemoryStorage();
    const storage: StorageAdapter = { load: () => inner.load(), save: (image) => (fail ? Promise.reject(new Error('disk full')) : inner.save(image)) };
    const source = new MemorySource(files);
    const cache = await open({ workflows: source, storage });
    expect(cache.stats().operations.save).toMatchObject({ count: 1, errors: 0 });
    fail = true;
    source.set('b.toml', toml({ task: 'new', rule: 'cron=@daily' }));
    await expect(cache.refresh()).rejects.toThrow(/disk full/);
    expect(cache.stats().operations.save).toMatchObject({ count: 2, errors: 1 });
    fail = false;
  });

  test('gives latency percentiles in order, zero before any call', async () => {
    const cache = await openMemory(files);
    expect(cache.stats().operations.search).toMatchObject({ p50: 0, p95: 0, p99: 0, max: 0 });
    for (let i = 0; i < 200; i++) cache.search(i % 2 ? 'extract' : 'load');
    const s = cache.stats().operations.search;
    expect(s.p50).toBeGreaterThan(0);
    expect(s.p50).toBeLessThanOrEqual(s.p95);
    expect(s.p95).toBeLessThanOrEqual(s.p99);
    expect(s.p99).toBeLessThanOrEqual(s.max);
  });

  test('keeps counting past the samples it keeps', async () => {
    const cache = await openMemory(files);
    for (let i = 0; i < SAMPLES + 10; i++) cache.search('extract');
    expect(cache.stats().operations.search.count).toBe(SAMPLES + 10);
  });
});

describe('percentile()', () => {
  const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);

  test('is the nearest-rank value', () => {
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.95)).toBe(95);
    expect(percentile(sorted, 0.99)).toBe(99);
  });

  test('of one sample is that sample, of none is 0', () => {
    expect(percentile(Float64Array.of(7), 0.99)).toBe(7);
    expect(percentile(new Float64Array(0), 0.5)).toBe(0);
  });
});
