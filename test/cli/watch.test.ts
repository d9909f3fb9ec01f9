import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { toml, useTempDirs } from '../helpers.js';
import { examples, run, start, until } from './run.js';

const tempDir = useTempDirs();

async function copyOfExamples(): Promise<string> {
  const dir = join(await tempDir(), 'wf');
  await cp(examples, dir, { recursive: true });
  return dir;
}

describe('workflow-cache watch', () => {
  test('prints each reload with the changed files and their problems, and stops on SIGINT', async () => {
    const dir = await copyOfExamples();
    const db = join(dir, '..', 'w.sqlite');
    const watch = start(['watch', dir, '--db', db]);
    await until(() => watch.output().includes('Ctrl-C stops'));
    expect(watch.output()).toContain('(4 files, 12 phases, 0 with problems, 0 failed files; events)');
    await writeFile(join(dir, 'late.toml'), toml({ task: 'late', dependsOn: 'nobody' }));
    await until(() => watch.output().includes('reloaded late.toml'));
    await until(() => watch.output().includes('parent task not found: nobody'));
    expect(watch.output()).toMatch(/\d\d:\d\d:\d\d reloaded late\.toml: 13 phases, 1 with problems, 0 failed files/);
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
    expect(watch.output()).toMatch(/stopped\n$/);
    const saved = await run(['query', '--db', db, '--json', "SELECT task FROM workflow_phases WHERE file_path = 'late.toml'"]);
    expect(JSON.parse(saved.stdout)).toEqual([{ task: 'late' }]);
  });

  test('stops cleanly on SIGTERM', async () => {
    const watch = start(['watch', await copyOfExamples()]);
    await until(() => watch.output().includes('Ctrl-C stops'));
    watch.child.kill('SIGTERM');
    expect(await watch.exited).toBe(0);
  });

  test('--poll polls, and reports a file that fails to load', async () => {
    const dir = await copyOfExamples();
    const watch = start(['watch', dir, '--poll', '--interval', '50']);
    await until(() => watch.output().includes('Ctrl-C stops'));
    expect(watch.output()).toContain('; polling)');
    await writeFile(join(dir, 'orders.toml'), '[[Phase]\n');
    await until(() => watch.output().includes('failed: orders.toml:1:'));
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
  });

  test('a missing path exits 2', async () => {
    const result = await run(['watch', '/no/such/workflows']);
    expect(result.code).toBe(2);
  });
});
