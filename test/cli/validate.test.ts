import { readdir } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { useTempDirs } from '../helpers.js';
import { brokenExamples, examples, run } from './run.js';

const tempDir = useTempDirs();

describe('workflow-cache validate', () => {
  test('exits 0 on clean workflows and writes no file', async () => {
    const dir = await tempDir();
    const result = await run(['validate', examples], dir);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(`${examples}: ok`);
    expect(await readdir(dir)).toEqual([]);
  });

  test('exits 1 and reports every problem with file, task and status', async () => {
    const result = await run(['validate', brokenExamples]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/problems\.toml +extract +no valid rule found: cron=61 \* \* \* \*/);
    expect(result.stdout).toMatch(/problems\.toml +publish +ignored rule: cron=0 6 \* \* \*; warning: retry count exceeds recommended limit/);
    expect(result.stdout).toMatch(/not-toml\.toml:2:9:/);
  });

  test('--json gives the same report as data', async () => {
    const result = await run(['validate', brokenExamples, '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(false);
    expect(report.files).toBe(1);
    expect(report.phases).toBe(5);
    expect(report.problems).toContainEqual({ file: 'problems.toml', task: 'transform', status: 'parent task not found: stage' });
    expect(report.failures).toEqual([expect.objectContaining({ file: 'not-toml.toml', line: 2, column: 9 })]);
  });

  test('--json on clean workflows says ok with no problems', async () => {
    const report = JSON.parse((await run(['validate', examples, '--json'])).stdout);
    expect(report).toMatchObject({ ok: true, files: 4, phases: 12, problems: [], failures: [] });
  });

  test('a missing path exits 2', async () => {
    const result = await run(['validate', '/no/such/workflows']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('an unknown option exits 2 without a stack trace', async () => {
    const result = await run(['validate', examples, '--jsn']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--jsn'");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
