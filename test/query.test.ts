// query(): one read-only statement with bound parameters; anything that would write is refused.
import { beforeEach, describe, expect, it } from 'vitest';
import { MemorySource, QueryError, type WorkflowCache } from '../src/index.node.js';
import { toml, useCaches } from './helpers.js';

describe('query()', () => {
  const caches = useCaches();
  let cache: WorkflowCache;
  let source: MemorySource;
  const everything = 'SELECT file_path, task, depends_on, rule, template, retry, status FROM workflow_phases ORDER BY file_path, task';
  beforeEach(async () => {
    source = new MemorySource({ 'a.toml': toml({ task: 'a', rule: 'cron=0 0 * * *' }, { task: 'b', dependsOn: 'a' }) });
    cache = await caches.open({ workflows: source });
  });

  it('returns rows as objects keyed by column', () => {
    expect(cache.query("SELECT task, depends_on FROM workflow_phases WHERE task = 'b'")).toEqual([{ task: 'b', depends_on: 'a' }]);
  });

  it('binds parameters in order', () => {
    expect(cache.query('SELECT task FROM workflow_phases WHERE file_path = ? AND depends_on = ?', ['a.toml', 'a'])).toEqual([{ task: 'b' }]);
  });

  it('returns [] when no row matches', () => {
    expect(cache.query('SELECT task FROM workflow_phases WHERE task = ?', ['none'])).toEqual([]);
  });

  it.each([
    ['INSERT', "INSERT INTO workflow_phases (file_path, task, written_task, position, topic, job, depends_topic, depends_job) VALUES ('x', 'x', 'x', 0, 'x', '', '', '')"],
    ['UPDATE', "UPDATE workflow_phases SET status = 'changed'"],
    ['DELETE', 'DELETE FROM workflow_phases'],
    ['DROP', 'DROP TABLE workflow_phases'],
    ['CREATE', 'CREATE TABLE scratch (x)'],
  ])('refuses %s with a QueryError saying query() is read-only', (_, sql) => {
    expect(() => cache.query(sql)).toThrow(expect.objectContaining({ name: 'QueryError', message: expect.stringContaining('read-only') }));
  });

  it.each([
    ['INSERT', "INSERT INTO workflow_load_errors (file_path, message) VALUES ('x', 'y')"],
    ['UPDATE', "UPDATE workflow_phases SET status = 'changed'"],
    ['DELETE', 'DELETE FROM workflow_phases'],
    ['DROP', 'DROP TABLE workflow_phases'],
    ['CREATE', 'CREATE TABLE scratch (x)'],
  ])('leaves the data unchanged after refusing %s', (_, sql) => {
    const before = { rows: cache.query(everything), tables: cache.query('SELECT name FROM sqlite_schema ORDER BY name') };
    expect(() => cache.query(sql)).toThrow(QueryError);
    expect({ rows: cache.query(everything), tables: cache.query('SELECT name FROM sqlite_schema ORDER BY name') }).toEqual(before);
  });

  it('refuses a PRAGMA that writes the database header', () => {
    expect(() => cache.query('PRAGMA user_version = 99')).toThrow(QueryError);
  });

  it('refuses to switch query_only off', () => {
    expect(() => cache.query('PRAGMA query_only = OFF')).toThrow(QueryError);
  });

  it('refuses several statements, even when all read', () => {
    expect(() => cache.query('SELECT 1; SELECT 2')).toThrow(/exactly one statement/);
  });

  it('runs none of several statements when it refuses them', () => {
    expect(() => cache.query("SELECT 1; DELETE FROM workflow_phases")).toThrow(QueryError);
    expect(cache.query('SELECT count(*) AS n FROM workflow_phases')).toEqual([{ n: 2 }]);
  });

  it('accepts one statement with a trailing semicolon', () => {
    expect(cache.query('SELECT 1 AS one;')).toEqual([{ one: 1 }]);
  });

  it('reports SQL that SQLite rejects as QueryError', () => {
    expect(() => cache.query('SELECT FROM nowhere')).toThrow(QueryError);
  });

  it('refuses an empty statement', () => {
    expect(() => cache.query('   ')).toThrow(QueryError);
  });

  it('refuses a parameter it cannot bind', () => {
    expect(() => cache.query('SELECT ?', [{ not: 'bindable' }])).toThrow(QueryError);
  });

  it.each([
    ['BEGIN', 'BEGIN'],
    ['SAVEPOINT', 'SAVEPOINT mine'],
    ['ATTACH', "ATTACH DATABASE ':memory:' AS scratch"],
  ])('refuses %s, which would leave the connection changed', (_, sql) => {
    expect(() => cache.query(sql)).toThrow(QueryError);
  });

  it('refuses a transaction statement behind a leading comment', () => {
    expect(() => cache.query('-- note\nBEGIN')).toThrow(QueryError);
  });

  it('refuses a PRAGMA that changes a setting', () => {
    expect(() => cache.query('PRAGMA journal_mode = DELETE')).toThrow(QueryError);
  });

  it('refuses a PRAGMA that sets a value in call form', () => {
    expect(() => cache.query('PRAGMA cache_size(10)')).toThrow(QueryError);
  });

  it('refuses VACUUM INTO, which would write a file', () => {
    expect(() => cache.query("VACUUM INTO '/tmp/copy.sqlite'")).toThrow(QueryError);
  });

  it('refuses a PRAGMA statement that reads, pointing to its table-valued function', () => {
    expect(() => cache.query('PRAGMA table_info(workflow_files)')).toThrow(/SELECT \* FROM pragma_table_info/);
  });

  it('still answers PRAGMAs that read', () => {
    expect(cache.query("SELECT count(*) AS n FROM pragma_table_info('workflow_files')")[0].n).toBeGreaterThan(3);
  });

  it('leaves refresh working after a refused BEGIN', async () => {
    expect(() => cache.query('BEGIN')).toThrow(QueryError);
    source.set('c.toml', toml({ task: 'c', rule: 'cron=0 0 * * *' }));
    expect(await cache.refresh()).toEqual(['c.toml']);
  });

  it('leaves the cache able to load files after a refused write', async () => {
    expect(() => cache.query('DELETE FROM workflow_phases')).toThrow(QueryError);
    source.set('c.toml', toml({ task: 'c', rule: 'cron=0 0 * * *' }));
    expect(await cache.refresh()).toEqual(['c.toml']);
  });
});
