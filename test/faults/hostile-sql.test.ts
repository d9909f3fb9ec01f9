// SQL from users against the cache: statements that once changed the connection serving lookups
// and saves (through a leading `;`, a comment or a quoted schema after PRAGMA, a second statement
// prepared only to be counted), and statements that never end or never stop growing.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  QueryError,
  QueryMemoryError,
  QueryResultSizeError,
  QueryRowLimitError,
  QueryTimeoutError,
  WorkflowCache,
} from '../../src/index.node.js';
import { markedWorkflow, openCache, tempFolder } from './helpers.js';

/** A cache on a workflows folder with a database file, and what a test needs to check it afterwards. */
async function servingCache(): Promise<{ cache: WorkflowCache; workflows: string; database: string }> {
  const folder = await tempFolder();
  const workflows = join(folder, 'workflows');
  const database = join(folder, 'workflows.sqlite');
  await mkdir(workflows);
  await writeFile(join(workflows, 'a.toml'), markedWorkflow('a', 'before'));
  return { cache: await openCache({ workflows, storage: database }), workflows, database };
}

/** The connection settings an attack would change, as the cache's own query() reads them. */
function settings(cache: WorkflowCache): Record<string, unknown> {
  const read = (pragma: string) => Object.values(cache.query(`SELECT * FROM pragma_${pragma}`)[0] ?? {})[0];
  return {
    journal_mode: read('journal_mode'),
    max_page_count: read('max_page_count'),
    writable_schema: read('writable_schema'),
    cache_size: read('cache_size'),
    foreign_keys: read('foreign_keys'),
    hard_heap_limit: read('hard_heap_limit'),
    query_only: read('query_only'),
    databases: cache.query('SELECT name FROM pragma_database_list').map((row) => row.name),
  };
}

/**
 * The cache still answers lookups, loads an edited file, saves it whole, and a second cache in
 * the process works too (hard_heap_limit is process-wide): the saved image passes
 * integrity_check and holds the edited phases.
 */
async function expectStillServing(cache: WorkflowCache, workflows: string, database: string): Promise<void> {
  expect(cache.get({ type: 'a-1', meta: 'workflow=a.toml' }).template).toBe('before');
  await writeFile(join(workflows, 'a.toml'), markedWorkflow('a', 'after', 40));
  expect(await cache.refresh()).toEqual(['a.toml']);
  expect(cache.get({ type: 'a-40', meta: 'workflow=a.toml' }).template).toBe('after');
  const other = await WorkflowCache.open({ workflows });
  expect(other.get({ type: 'a-2', meta: 'workflow=a.toml' }).template).toBe('after');
  await other.close();
  await cache.close();
  const SQL = await initSqlJs();
  const saved = new SQL.Database(await readFile(database));
  try {
    expect(saved.exec('PRAGMA integrity_check')[0].values).toEqual([['ok']]);
    const templates = saved.exec("SELECT DISTINCT template FROM workflow_phases WHERE file_path = 'a.toml'")[0].values;
    expect(templates).toEqual([['after']]);
    expect(saved.exec("SELECT count(*) FROM workflow_phases WHERE file_path = 'a.toml'")[0].values).toEqual([[40]]);
  } finally {
    saved.close();
  }
}

// hard_heap_limit is kept by the one sql.js of the process: an attack that gets through must
// not break the files tested after it.
afterEach(async () => {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.exec('PRAGMA hard_heap_limit = 0');
  db.close();
});

const refusedStatement = /query\(\) is read-only: it runs one SELECT, WITH … SELECT or VALUES statement; got [A-Z]+|query\(\) runs exactly one statement; got 2/;

/** Each once reached the live connection, or was applied by SQLite while being prepared to be refused. */
const attacks = [
  ';BEGIN',
  ';SAVEPOINT a',
  ";ATTACH ':memory:' AS x",
  'PRAGMA/**/journal_mode=OFF',
  'PRAGMA "main".journal_mode(OFF)',
  'PRAGMA main . max_page_count(1)',
  'PRAGMA/**/hard_heap_limit=65536',
  'PRAGMA/**/writable_schema=ON',
  'PRAGMA/**/cache_size=1',
  'PRAGMA/**/foreign_keys=ON',
  'SELECT 1; PRAGMA writable_schema=ON',
  'SELECT 1; PRAGMA hard_heap_limit=65536',
  'SELECT 1; PRAGMA cache_size=1',
  'SELECT 1; PRAGMA foreign_keys=ON',
  'WITH x AS (SELECT 1) DELETE FROM workflow_phases',
  "WITH x(n) AS (SELECT 1) INSERT INTO workflow_load_errors (file_path, message) SELECT 'x', 'y' FROM x",
];

describe('query(), for trusted SQL, on the live connection', () => {
  it.each(attacks)('refuses %s before SQLite prepares it, saying what is allowed; the cache keeps serving and saving', async (sql) => {
    const { cache, workflows, database } = await servingCache();
    const before = settings(cache);
    expect(() => cache.query(sql)).toThrow(expect.objectContaining({ name: 'QueryError', message: expect.stringMatching(refusedStatement) }));
    expect(settings(cache)).toEqual(before);
    await expectStillServing(cache, workflows, database);
  });

  it('keeps a good database through writable_schema, journal_mode and max_page_count together, as one attacker would try', async () => {
    const { cache, workflows, database } = await servingCache();
    for (const sql of ['PRAGMA/**/writable_schema=ON', 'PRAGMA/**/journal_mode=OFF', 'PRAGMA main . max_page_count(1)']) {
      expect(() => cache.query(sql)).toThrow(QueryError);
    }
    await expectStillServing(cache, workflows, database);
  });

  it('refuses a PRAGMA function that does more than read', async () => {
    const { cache } = await servingCache();
    expect(() => cache.query('SELECT * FROM "PRAGMA_OPTIMIZE"')).toThrow(/pragma_optimize is not a PRAGMA function it allows/i);
  });

  it('reads a table-valued PRAGMA function, however its name is quoted or qualified', async () => {
    const { cache } = await servingCache();
    const names = (sql: string) => cache.query(sql).map((row) => row.name);
    expect(names("SELECT name FROM pragma_table_info('workflow_files')")).toContain('file_hash');
    expect(names("SELECT name FROM main.\"pragma_table_info\"('workflow_files')")).toContain('file_hash');
  });

  it('finds the statement after several common table expressions, column lists and MATERIALIZED', async () => {
    const { cache } = await servingCache();
    const ctes = 'WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM x WHERE n < 3), y AS NOT MATERIALIZED (SELECT (2))';
    expect(cache.query(`${ctes} SELECT count(*) AS n FROM x, y`)).toEqual([{ n: 3 }]);
    expect(() => cache.query(`${ctes} UPDATE workflow_phases SET retry = 9`)).toThrow(/got UPDATE/);
    expect(() => cache.query(`${ctes} REPLACE INTO workflow_load_errors (file_path, message) VALUES ('x', 'y')`)).toThrow(/got REPLACE/);
  });

  it('takes keywords inside strings, quoted names and comments for what SQLite takes them', async () => {
    const { cache } = await servingCache();
    expect(cache.query("/* ; PRAGMA x=1 */ SELECT 'a;b' AS [x;y], \"c\"\"d\" AS `e;f` -- ; BEGIN")).toEqual([{ 'x;y': 'a;b', 'e;f': 'c"d' }]);
    expect(cache.query("WITH [t;] AS (SELECT x'00ff' AS b) SELECT length(b) AS n FROM [t;];")).toEqual([{ n: 2 }]);
  });
});

describe('queryIsolated(), for SQL from users, on a disposable copy in a worker', () => {
  it.each(attacks)('refuses %s as query() does; the cache keeps serving and saving', async (sql) => {
    const { cache, workflows, database } = await servingCache();
    const before = settings(cache);
    await expect(cache.queryIsolated(sql)).rejects.toThrow(expect.objectContaining({ name: 'QueryError', message: expect.stringMatching(refusedStatement) }));
    expect(settings(cache)).toEqual(before);
    await expectStillServing(cache, workflows, database);
  });

  it('returns the rows query() returns, parameters bound', async () => {
    const { cache } = await servingCache();
    const sql = 'SELECT task, template, position FROM workflow_phases WHERE file_path = ? ORDER BY position';
    expect(await cache.queryIsolated(sql, ['a.toml'])).toEqual(cache.query(sql, ['a.toml']));
    expect(await cache.queryIsolated("VALUES (1, 'x', NULL, x'01')")).toEqual([{ column1: 1, column2: 'x', column3: null, column4: new Uint8Array([1]) }]);
  });

  it('stops an endless recursive query at its time limit while the event loop keeps ticking', async () => {
    const { cache, workflows, database } = await servingCache();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    try {
      await expect(cache.queryIsolated('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c', [], { timeoutMs: 500 }))
        .rejects.toThrow(QueryTimeoutError);
    } finally {
      clearInterval(ticker);
    }
    // 50 ticks are due in 500 ms; a blocked loop would give none.
    expect(ticks).toBeGreaterThan(10);
    await expectStillServing(cache, workflows, database);
  });

  it('stops an endless row-returning query at its row limit', async () => {
    const { cache } = await servingCache();
    await expect(cache.queryIsolated('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c', [], { maxRows: 1000 }))
      .rejects.toThrow(expect.objectContaining({ name: 'QueryRowLimitError', maxRows: 1000, message: expect.stringContaining('more than 1000 rows') }));
  });

  it('answers a query that returns exactly its row limit', async () => {
    const { cache } = await servingCache();
    const rows = await cache.queryIsolated('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1000) SELECT x FROM c', [], { maxRows: 1000 });
    expect(rows).toHaveLength(1000);
  });

  it.each([
    ['a zeroblob of a billion bytes', 'SELECT zeroblob(999999999) AS b'],
    ['many large strings', "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 5000) SELECT printf('%.10000c', 'x') AS s FROM c"],
  ])('stops %s at its result-size limit', async (_, sql) => {
    const { cache } = await servingCache();
    await expect(cache.queryIsolated(sql)).rejects.toThrow(QueryResultSizeError);
  });

  it.each([
    ['a billion random bytes', 'SELECT length(randomblob(999999999)) AS n'],
    ['a string of a billion characters', "SELECT length(printf('%.*c', 999999999, 'x')) AS n"],
    ['an endless sort', 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c ORDER BY x DESC'],
  ])('stops %s at its memory limit', async (_, sql) => {
    const { cache } = await servingCache();
    await expect(cache.queryIsolated(sql, [], { maxMemoryBytes: 32 * 1024 * 1024, timeoutMs: 30_000 })).rejects.toThrow(QueryMemoryError);
  });

  it('gives the memory of huge queries back when they end', async () => {
    const { cache } = await servingCache();
    // A first query leaves a worker started ahead for the next, in the figures before and after.
    await cache.queryIsolated('SELECT 1');
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    for (const sql of ['SELECT zeroblob(999999999)', 'SELECT length(randomblob(999999999))', "SELECT length(printf('%.*c', 999999999, 'x'))"]) {
      await expect(cache.queryIsolated(sql)).rejects.toThrow(QueryError);
    }
    clearInterval(sampler);
    // A terminated worker's memory goes back once its thread has exited, a moment later.
    const grown = () => {
      global.gc?.();
      return process.memoryUsage().rss - before;
    };
    // Each would have held a gigabyte or more on the cache's own connection.
    await expect.poll(grown, { timeout: 10_000, interval: 100 }).toBeLessThan(64 * 2 ** 20);
    const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
    console.info(`RSS before ${mib(before)}, peak ${mib(peak)}, after three huge queries ${mib(before + grown())}`);
  });

  it('rejects after close() as every method throws, with CacheClosedError', async () => {
    const { cache } = await servingCache();
    await cache.close();
    await expect(cache.queryIsolated('SELECT 1')).rejects.toThrow(expect.objectContaining({ name: 'CacheClosedError' }));
  });

  it('refuses limits it does not know or cannot use', async () => {
    const { cache } = await servingCache();
    await expect(cache.queryIsolated('SELECT 1', [], { timeout: 5 } as never)).rejects.toThrow(/unknown option "timeout"; expected one of timeoutMs, maxRows, maxBytes, maxMemoryBytes/);
    await expect(cache.queryIsolated('SELECT 1', [], { maxRows: 0 })).rejects.toThrow(RangeError);
  });
});
