import initSqlJs from 'sql.js';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { migrations, SCHEMA_VERSION, APPLICATION_ID } from '../src/db/schema.js';
import { MemorySource, MemoryStorage } from '../src/index.node.js';
import { diffVersions } from '../src/index.tools.js';
import { toml, useCaches, useTempDirs, writeFiles } from './helpers.js';

const tempDir = useTempDirs();
const { open } = useCaches();

const v1 = toml({ task: 'extract', rule: 'cron=0 2 * * *' }, { task: 'load', dependsOn: 'extract' });
const v2 = toml({ task: 'extract', rule: 'cron=0 3 * * *' }, { task: 'report', dependsOn: 'extract' });

describe('cache.history()', () => {
  test('a file loaded once has one version, the current one', async () => {
    const cache = await open({ workflows: new MemorySource({ 'daily.toml': v1 }) });
    const versions = cache.history('daily.toml');
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ version: 1, file: 'daily.toml', replacedAt: null });
    expect(versions[0].phases.map((p) => p.task)).toEqual(['extract', 'load']);
  });

  test('loading a changed file keeps the previous version, with its hash and phases as they were', async () => {
    const source = new MemorySource({ 'daily.toml': v1 });
    const cache = await open({ workflows: source });
    const firstHash = cache.history('daily.toml')[0].hash;
    source.set('daily.toml', v2);
    await cache.refresh();
    const versions = cache.history('daily.toml');
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(versions[0].hash).toBe(firstHash);
    expect(versions[0].replacedAt).not.toBeNull();
    expect(versions[0].phases).toEqual([
      { task: 'extract', rule: 'cron=0 2 * * *', dependsOn: '', retry: 0, template: '', status: '' },
      { task: 'load', rule: '', dependsOn: 'extract', retry: 0, template: '', status: '' },
    ]);
    expect(versions[1].phases.map((p) => p.task)).toEqual(['extract', 'report']);
    expect(versions[1].replacedAt).toBeNull();
  });

  test('an unchanged file adds no version on refresh', async () => {
    const cache = await open({ workflows: new MemorySource({ 'daily.toml': v1 }) });
    await cache.refresh();
    expect(cache.history('daily.toml')).toHaveLength(1);
  });

  test('a removed file keeps its last version, marked replaced, and has no current one', async () => {
    const source = new MemorySource({ 'daily.toml': v1 });
    const cache = await open({ workflows: source });
    source.delete('daily.toml');
    await cache.refresh();
    const versions = cache.history('daily.toml');
    expect(versions).toHaveLength(1);
    expect(versions[0].replacedAt).not.toBeNull();
    expect(versions[0].phases).toHaveLength(2);
  });

  test('a file that fails to load adds no version: it keeps its last good phases', async () => {
    const source = new MemorySource({ 'daily.toml': v1 });
    const cache = await open({ workflows: source });
    source.set('daily.toml', '[[phase]\ntask = "x"');
    await expect(cache.refresh()).rejects.toThrow(/daily\.toml/);
    expect(cache.history('daily.toml')).toHaveLength(1);
  });

  test('a file restored as it was after a failed load adds no version', async () => {
    const source = new MemorySource({ 'daily.toml': v1 });
    const cache = await open({ workflows: source });
    source.set('daily.toml', '[[phase]\ntask = "x"');
    await expect(cache.refresh()).rejects.toThrow(/daily\.toml/);
    source.set('daily.toml', v1);
    expect(await cache.refresh()).toEqual(['daily.toml']);
    expect(cache.history('daily.toml')).toHaveLength(1);
  });

  test('an unknown file has no versions', async () => {
    const cache = await open({ workflows: new MemorySource({ 'daily.toml': v1 }) });
    expect(cache.history('other.toml')).toEqual([]);
  });

  test('filesWithHistory() lists the loaded files and the removed ones whose versions are kept, in key order', async () => {
    const source = new MemorySource({ 'b.toml': v1, 'gone.toml': v1, 'a.toml': v1 });
    const cache = await open({ workflows: source });
    source.delete('gone.toml');
    await cache.refresh();
    expect(cache.files().map((f) => f.file)).toEqual(['a.toml', 'b.toml']);
    expect(cache.filesWithHistory()).toEqual(['a.toml', 'b.toml', 'gone.toml']);
  });

  test('versions survive closing and reopening a database file', async () => {
    const dir = await tempDir();
    await writeFiles(join(dir, 'wf'), { 'daily.toml': v1 });
    const db = join(dir, 'w.sqlite');
    await (await open({ workflows: join(dir, 'wf'), storage: db })).close();
    await writeFiles(join(dir, 'wf'), { 'daily.toml': v2 });
    const reopened = await open({ workflows: join(dir, 'wf'), storage: db });
    expect(reopened.history('daily.toml').map((v) => v.phases.length)).toEqual([2, 2]);
    expect(reopened.history('daily.toml')[0].phases[1].task).toBe('load');
  });

  test('a database saved at schema version 1 gains the history table when opened', async () => {
    const SQL = await initSqlJs();
    const old = new SQL.Database();
    old.exec(migrations.find((m) => m.version === 1)!.sql);
    old.exec(`PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = 1;`);
    const storage = new MemoryStorage(old.export());
    old.close();
    const cache = await open({ workflows: new MemorySource({ 'daily.toml': v1 }), storage });
    expect(cache.query('SELECT * FROM pragma_user_version')[0].user_version).toBe(SCHEMA_VERSION);
    expect(cache.query('SELECT count(*) AS n FROM workflow_history')[0].n).toBe(0);
  });
});

describe('diffVersions()', () => {
  const phase = (task: string, more: Partial<{ rule: string; dependsOn: string; retry: number; status: string }> = {}) => ({
    task,
    rule: '',
    dependsOn: '',
    retry: 0,
    template: '',
    status: '',
    ...more,
  });

  test('lists phases added and removed, matched by topic:job', () => {
    const diff = diffVersions([phase('a'), phase('b')], [phase('a'), phase('c')]);
    expect(diff.added.map((p) => p.task)).toEqual(['c']);
    expect(diff.removed.map((p) => p.task)).toEqual(['b']);
    expect(diff.changed).toEqual([]);
  });

  test('lists a phase whose fields changed, naming the fields', () => {
    const diff = diffVersions([phase('a', { rule: 'cron=0 2 * * *', retry: 1 })], [phase('a', { rule: 'cron=0 3 * * *', retry: 1 })]);
    expect(diff.changed).toHaveLength(1);
    expect(diff.changed[0]).toMatchObject({ key: 'a', fields: ['rule'] });
    expect(diff.changed[0].after.rule).toBe('cron=0 3 * * *');
  });

  test('a task written as topic plus job= in the rule is the same phase as topic:job', () => {
    const diff = diffVersions([phase('load', { rule: 'job=daily' })], [phase('load:daily')]);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.changed[0].fields).toEqual(['task', 'rule']);
  });
});
