import { describe, expect, test } from 'vitest';
import { useTempDirs } from '../helpers.js';
import { examples, run } from './run.js';

const tempDir = useTempDirs();

/** One line on stderr with our prefix, nothing on stdout, exit 2. */
function expectOneUsageLine(result: { code: number; stdout: string; stderr: string }): string {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n');
  expect(lines).toHaveLength(2); // the line and its newline
  expect(lines[0]).toMatch(/^workflow-cache: /);
  return lines[0];
}

describe('usage errors are one line with a hint, exit 2', () => {
  test('an unknown command names the closest one and the help', async () => {
    expect(expectOneUsageLine(await run(['lod', 'x']))).toBe(
      "workflow-cache: unknown command 'lod'; did you mean load? (workflow-cache --help shows the usage)",
    );
  });

  test("an unknown option names the closest one and the command's help", async () => {
    expect(expectOneUsageLine(await run(['validate', examples, '--jsn']))).toBe(
      "workflow-cache: unknown option '--jsn'; did you mean --json? (workflow-cache validate --help shows the usage)",
    );
  });

  test('no arguments lists the commands instead of printing the whole help', async () => {
    expect(expectOneUsageLine(await run([]))).toBe(
      'workflow-cache: no command given; commands: load, validate, watch, graph, query, history, stats, serve (workflow-cache --help describes them)',
    );
  });

  test('a missing argument', async () => {
    expect(expectOneUsageLine(await run(['load']))).toBe(
      "workflow-cache: missing required argument 'path' (workflow-cache load --help shows the usage)",
    );
  });

  test('a value outside the choices', async () => {
    expect(expectOneUsageLine(await run(['graph', examples, '--format', 'svg']))).toMatch(/argument 'svg' is invalid\. Allowed choices are mermaid, dot, json\. \(workflow-cache graph --help/);
  });

  test('an option without its value', async () => {
    expect(expectOneUsageLine(await run(['query', 'SELECT 1', '--db']))).toContain("option '--db <file>' argument missing");
  });
});

describe('SQL errors in the words of the query command', () => {
  test('a statement that would write names no library function', async () => {
    const dir = await tempDir();
    expect((await run(['load', examples, '--db', 'w.sqlite'], dir)).code).toBe(0);
    const result = await run(['query', '--db', 'w.sqlite', 'DELETE FROM workflow_phases'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('workflow-cache: the query is read-only: it runs one SELECT, WITH … SELECT or VALUES statement; got DELETE\n');
  });

  test('two statements', async () => {
    const dir = await tempDir();
    await run(['load', examples, '--db', 'w.sqlite'], dir);
    const result = await run(['query', '--db', 'w.sqlite', 'SELECT 1; SELECT 2'], dir);
    expect(result.stderr).toBe('workflow-cache: the query runs exactly one statement; got 2\n');
  });
});
