import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { useTempDirs } from '../helpers.js';
import { examples, run } from './run.js';

const tempDir = useTempDirs();
let db: string;
beforeEach(async () => {
  db = join(await tempDir(), 'w.sqlite');
  await run(['load', examples, '--db', db]);
});

describe('workflow-cache query', () => {
  test('prints rows as an aligned table with a row count', async () => {
    const result = await run(['query', '--db', db, "SELECT task, retry FROM workflow_phases WHERE file_path = 'orders.toml' ORDER BY position"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'task                retry',
        '------------------  -----',
        'ingest:orders           3',
        'transform:orders        2',
        'load:orders             2',
        'report:daily-sales      0',
        '(4 rows)',
        '',
      ].join('\n'),
    );
  });

  test('--json prints rows as a JSON array', async () => {
    const result = await run(['query', '--db', db, '--json', 'SELECT count(*) AS n FROM workflow_files']);
    expect(JSON.parse(result.stdout)).toEqual([{ n: 4 }]);
  });

  test('no rows is said plainly', async () => {
    const result = await run(['query', '--db', db, "SELECT * FROM workflow_phases WHERE status != ''"]);
    expect(result.stdout).toBe('(0 rows)\n');
  });

  test('refuses a statement that writes, exit 1, and the database keeps its rows', async () => {
    const result = await run(['query', '--db', db, 'DELETE FROM workflow_phases']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^workflow-cache: the query is read-only/);
    expect(JSON.parse((await run(['query', '--db', db, '--json', 'SELECT count(*) AS n FROM workflow_phases'])).stdout)).toEqual([{ n: 12 }]);
  });

  test('bad SQL is one line naming the problem, exit 1', async () => {
    const result = await run(['query', '--db', db, 'SELEC 1']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('syntax error');
  });

  test('a missing database file exits 2', async () => {
    const result = await run(['query', '--db', join(await tempDir(), 'none.sqlite'), 'SELECT 1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/none\.sqlite: does not exist/);
  });

  test('a file that is not a workflow-cache database exits 2', async () => {
    const other = join(await tempDir(), 'notes.txt');
    await writeFile(other, 'hello');
    const result = await run(['query', '--db', other, 'SELECT 1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a SQLite database');
  });

  test('an endless query is stopped at --timeout, exit 1, naming the option that raises it', async () => {
    const result = await run(['query', '--db', db, '--timeout', '300', 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('workflow-cache: the query ran past its time limit of 300 ms and was stopped; narrow it, or raise --timeout\n');
  });

  test('more rows than --max-rows is a failure, not a cut', async () => {
    const result = await run(['query', '--db', db, '--max-rows', '3', 'SELECT task FROM workflow_phases']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('more than 3 rows and was stopped; add a LIMIT, or raise --max-rows');
  });

  test('a limit that is not a whole number above 0 exits 2', async () => {
    const result = await run(['query', '--db', db, '--max-bytes', '0', 'SELECT 1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--max-bytes must be a whole number above 0, got "0"');
  });

  test('--db is required', async () => {
    const result = await run(['query', 'SELECT 1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '--db <file>'");
  });
});
