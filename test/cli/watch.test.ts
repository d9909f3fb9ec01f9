import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { toml, useTempDirs } from '../helpers.js';
import { cli, examples, root, run, start, until } from './run.js';

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

  test('keeps watching when the workflows folder is deleted, says so once, and reloads it when it is back', async () => {
    const dir = await copyOfExamples();
    const db = join(dir, '..', 'w.sqlite');
    const watch = start(['watch', dir, '--db', db, '--interval', '50']);
    await until(() => watch.output().includes('Ctrl-C stops'));
    await rm(dir, { recursive: true });
    await until(() => watch.output().includes('does not exist'));
    await new Promise((r) => setTimeout(r, 300)); // six polls
    expect(watch.output().match(/error: /g)).toHaveLength(1);
    expect(watch.output()).toContain(`error: workflows path ${dir}: does not exist; its phases are kept, waiting for it to come back`);
    expect(existsSync(`${db}.lock`)).toBe(true);
    await cp(examples, `${dir}.next`, { recursive: true });
    await writeFile(join(`${dir}.next`, 'late.toml'), toml({ task: 'late', rule: 'cron=@hourly' }));
    await rename(`${dir}.next`, dir);
    await until(() => watch.output().includes('reloaded late.toml: 13 phases'));
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  test('keeps watching when the workflows folder is renamed away, and watches it again when it is back', async () => {
    const dir = await copyOfExamples();
    const watch = start(['watch', dir, '--interval', '50']);
    await until(() => watch.output().includes('Ctrl-C stops'));
    await rename(dir, `${dir}.away`);
    await until(() => watch.output().includes('does not exist'));
    await rename(`${dir}.away`, dir);
    await until(() => watch.output().includes('no file reloaded: 12 phases'));
    await writeFile(join(dir, 'late.toml'), toml({ task: 'late', rule: 'cron=@hourly' }));
    await until(() => watch.output().includes('reloaded late.toml'));
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
  });

  test('a reader that goes away ends the watch with one line and status 1, its lock released', async () => {
    const dir = await copyOfExamples();
    const db = join(dir, '..', 'w.sqlite');
    const child = spawn(process.execPath, [cli, 'watch', dir, '--db', db], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.stdout.destroy(); // as `watch … | head -1` does once it has its line
    await writeFile(join(dir, 'late.toml'), toml({ task: 'late', rule: 'cron=@hourly' }));
    expect(await exited).toBe(1);
    expect(stderr).toBe('workflow-cache: watch stopped: cannot write to standard output (write EPIPE)\n');
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  test('a closed terminal (SIGHUP) stops it cleanly, its lock released', async () => {
    const dir = await copyOfExamples();
    const db = join(dir, '..', 'w.sqlite');
    const watch = start(['watch', dir, '--db', db]);
    await until(() => watch.output().includes('Ctrl-C stops'));
    watch.child.kill('SIGHUP');
    expect(await watch.exited).toBe(0);
    expect(existsSync(`${db}.lock`)).toBe(false);
  });
});
