import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { useTempDirs } from '../helpers.js';
import { brokenExamples, examples, run } from './run.js';

const tempDir = useTempDirs();

describe('workflow-cache load', () => {
  test('loads the examples into a database file, prints the counts and exits 0', async () => {
    const db = join(await tempDir(), 'workflows.sqlite');
    const result = await run(['load', examples, '--db', db]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`loaded ${examples} into ${db}`);
    expect(result.stdout).toMatch(/^files: 4 loaded, 0 failed$/m);
    expect(result.stdout).toMatch(/^phases: 12$/m);
    expect(result.stdout).toMatch(/^phases with problems: 0$/m);
    expect(existsSync(db)).toBe(true);
  });

  test('lists each problem with file and task, each failed file with line and column, and exits 1', async () => {
    const result = await run(['load', brokenExamples]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ {2}problems\.toml +transform +parent task not found: stage$/m);
    expect(result.stdout).toMatch(/^ {2}problems\.toml +ping +dependency cycle: ping → pong → ping$/m);
    expect(result.stdout).toMatch(/^ {2}not-toml\.toml:2:9: expected end of table array name delimiter '\]', but got '\\n' instead$/m);
    expect(result.stdout).toMatch(/^files: 1 loaded, 1 failed$/m);
  });

  test('without --db keeps nothing and says so', async () => {
    const dir = await tempDir();
    const result = await run(['load', examples], dir);
    expect(result.stdout).toContain('memory only');
    expect(existsSync(join(dir, 'workflows.sqlite'))).toBe(false);
  });

  test('a second load of unchanged files gives the same summary', async () => {
    const db = join(await tempDir(), 'w.sqlite');
    const first = await run(['load', examples, '--db', db]);
    const second = await run(['load', examples, '--db', db]);
    expect(second.stdout).toBe(first.stdout);
  });

  test('prints no progress when stderr is not a terminal', async () => {
    const result = await run(['load', examples]);
    expect(result.stderr).toBe('');
  });

  test('a missing path is a one-line usage error, exit 2', async () => {
    const result = await run(['load', '/no/such/workflows']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('workflow-cache: workflows path /no/such/workflows: does not exist\n');
  });

  test('a database in a missing folder is a usage error, exit 2', async () => {
    const result = await run(['load', examples, '--db', '/no/such/folder/w.sqlite']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^workflow-cache: database .* folder \/no\/such\/folder does not exist\n$/);
  });
});
