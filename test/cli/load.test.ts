import { existsSync } from 'node:fs';
import { appendFile, cp, rm, writeFile } from 'node:fs/promises';
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

  test('a second load of unchanged files says nothing changed, then the same counts', async () => {
    const db = join(await tempDir(), 'w.sqlite');
    const first = await run(['load', examples, '--db', db]);
    const second = await run(['load', examples, '--db', db]);
    const [head, ...counts] = first.stdout.split('\n');
    expect(second.stdout).toBe([head, 'nothing changed since the last load', ...counts].join('\n'));
  });

  test('a second load after edits names the files reloaded and removed', async () => {
    const dir = await tempDir();
    await cp(examples, join(dir, 'w'), { recursive: true });
    await run(['load', 'w', '--db', 'w.sqlite'], dir);
    await appendFile(join(dir, 'w/orders.toml'), '\n# edited\n');
    await writeFile(join(dir, 'w/late.toml'), '[[phase]]\ntask = "late"\nrule = "cron=0 * * * *"\n');
    await rm(join(dir, 'w/ops/maintenance.toml'));
    const result = await run(['load', 'w', '--db', 'w.sqlite'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(0, 4)).toEqual([
      'loaded w into w.sqlite',
      'reloaded: late.toml, orders.toml',
      'removed: ops/maintenance.toml',
      'files: 4 loaded, 0 failed',
    ]);
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
