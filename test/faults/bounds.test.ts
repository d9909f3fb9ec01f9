// Nothing the cache keeps grows without bound: the history of a file edited over and over, and
// the answers remembered for lookups whose tasks carry huge strings.
import { execFile } from 'node:child_process';
import initSqlJs from 'sql.js';
import { describe, expect, test } from 'vitest';
import { MemorySource, MemoryStorage } from '../../src/index.node.js';
import { markedWorkflow, openCache } from './helpers.js';
import { memoLookupsPath } from './setup/saver-path.js';

const historyRows = (cache: { query: (sql: string) => Record<string, unknown>[] }, file?: string) =>
  Number(cache.query(`SELECT count(*) AS n FROM workflow_history${file ? ` WHERE file_path = '${file}'` : ''}`)[0].n);

/** Edits `file` `times` times, one refresh each, as a watcher would see them. */
async function edit(source: MemorySource, cache: { refresh: () => Promise<string[]> }, file: string, times: number): Promise<void> {
  for (let i = 1; i <= times; i++) {
    source.set(file, markedWorkflow('daily', `edit ${i}`));
    await cache.refresh();
  }
}

describe('history retention', () => {
  test('10,000 edits of one file keep its last 100 earlier versions, not 10,000', async () => {
    const source = new MemorySource({ 'daily.toml': markedWorkflow('daily', 'edit 0') });
    const cache = await openCache({ workflows: source });
    await edit(source, cache, 'daily.toml', 10_000);
    expect(historyRows(cache)).toBe(100);
    const versions = cache.history('daily.toml');
    expect(versions).toHaveLength(101);
    // The newest are kept: the last earlier version is edit 9,999, and the current one edit 10,000.
    expect(versions[0].phases[0].template).toBe('edit 9900');
    expect(versions[99].phases[0].template).toBe('edit 9999');
    expect(versions[100]).toMatchObject({ version: 101, replacedAt: null });
  });

  test('history.maxVersions sets how many earlier versions each file keeps, without touching other files', async () => {
    const source = new MemorySource({ 'a.toml': markedWorkflow('a', 'edit 0'), 'b.toml': markedWorkflow('b', 'edit 0') });
    const cache = await openCache({ workflows: source, history: { maxVersions: 3 } });
    await edit(source, cache, 'b.toml', 2);
    await edit(source, cache, 'a.toml', 10);
    expect(cache.history('a.toml').map((v) => v.phases[0].template)).toEqual(['edit 7', 'edit 8', 'edit 9', 'edit 10']);
    expect(historyRows(cache, 'b.toml')).toBe(2);
  });

  test('history.maxVersions: 0 keeps no earlier version', async () => {
    const source = new MemorySource({ 'a.toml': markedWorkflow('a', 'edit 0') });
    const cache = await openCache({ workflows: source, history: { maxVersions: 0 } });
    await edit(source, cache, 'a.toml', 5);
    source.delete('a.toml');
    await cache.refresh();
    expect(historyRows(cache)).toBe(0);
  });

  test('versions replaced longer ago than history.maxAgeDays are dropped, of removed files too', async () => {
    const source = new MemorySource({ 'kept.toml': markedWorkflow('kept', 'edit 0'), 'gone.toml': markedWorkflow('gone', 'edit 0') });
    const storage = new MemoryStorage();
    const first = await openCache({ workflows: source, storage });
    await edit(source, first, 'kept.toml', 3);
    source.delete('gone.toml');
    await first.refresh();
    await first.close();
    // Age every version kept so far by 40 days, in the saved image itself.
    const SQL = await initSqlJs();
    const db = new SQL.Database(await storage.load());
    db.run("UPDATE workflow_history SET replaced_at = datetime(replaced_at, '-40 days')");
    await storage.save(db.export());
    db.close();

    const cache = await openCache({ workflows: source, storage, history: { maxAgeDays: 30 } });
    expect(historyRows(cache)).toBe(4); // nothing expires until a version is kept again
    await edit(source, cache, 'kept.toml', 1);
    expect(cache.query('SELECT file_path FROM workflow_history').map((r) => r.file_path)).toEqual(['kept.toml']);
    expect(cache.history('gone.toml')).toEqual([]);
  });

  test.each([
    [{ maxVersions: -1 }, /history\.maxVersions must be a whole number/],
    [{ maxVersions: 2.5 }, /history\.maxVersions must be a whole number/],
    [{ maxAgeDays: 0 }, /history\.maxAgeDays must be a number of days above 0/],
    [{ keep: 3 }, /unknown history option "keep"/],
  ])('open refuses history %o', async (history, message) => {
    const open = openCache({ workflows: new MemorySource({}), history: history as never });
    await expect(open).rejects.toThrow(TypeError);
    await expect(open).rejects.toThrow(message);
  });
});

/** Runs the hostile scheduler of fixtures/memo-lookups.ts with a heap of `heapMb`. */
function hostileLookups(heapMb: number, mode: 'meta' | 'file' | 'held', lookups: number, bytes: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`--max-old-space-size=${heapMb}`, memoLookupsPath, mode, String(lookups), String(bytes)],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? ((error.code as number | null) ?? null) : 0, stdout, stderr: stderr.slice(0, 2000) }),
    );
  });
}

describe('remembered lookups', () => {
  test('3,600 lookups with 1.2 MB meta strings run in a 256 MB heap', async () => {
    // Each answer was remembered under its 1.2 MB key: 4 GB before the count cap cleared them.
    const outcome = await hostileLookups(256, 'meta', 3600, 1_200_000);
    expect(outcome).toMatchObject({ code: 0, stdout: expect.stringMatching(/^done \d+\n$/) });
  });

  test('lookups of 120 files that do not exist, named with 1.2 MB each, run in a 128 MB heap', async () => {
    // A file asked about twice was held with its name, and one without phases counted nothing.
    const outcome = await hostileLookups(128, 'file', 120, 1_200_000);
    expect(outcome).toMatchObject({ code: 0, stdout: expect.stringMatching(/^done \d+\n$/) });
  });

  test('200 files held for lookups, each named in a 1.2 MB meta, run in a 128 MB heap', async () => {
    // Each held file's name was a slice of its meta, and kept the whole meta alive with it.
    const outcome = await hostileLookups(128, 'held', 200, 1_200_000);
    expect(outcome).toMatchObject({ code: 0, stdout: expect.stringMatching(/^done \d+\n$/) });
  });
});
