import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { useTempDirs } from '../helpers.js';
import { cli, run } from './run.js';

const tempDir = useTempDirs();

/** A workflow of `n` phases in a chain: output far larger than a pipe's buffer. */
function chain(n: number): string {
  return Array.from({ length: n }, (_, i) => `[[phase]]\ntask = "t${i}"\n${i === 0 ? 'rule = "cron=0 * * * *"' : `dependsOn = "t${i - 1}"`}\n`).join('\n');
}

/** Runs `workflow-cache args | head -1` in bash: what head printed, what we wrote on stderr, our exit status. */
function headOne(args: string[], cwd: string): Promise<{ first: string; stderr: string; code: number }> {
  const quoted = [process.execPath, cli, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve) => {
    execFile('bash', ['-c', `${quoted} 2>err.txt | head -1; echo "$\{PIPESTATUS[0]}" >code.txt`], { cwd }, async (_error, stdout) => {
      const { readFile } = await import('node:fs/promises');
      resolve({ first: stdout, stderr: await readFile(join(cwd, 'err.txt'), 'utf8'), code: Number(await readFile(join(cwd, 'code.txt'), 'utf8')) });
    });
  });
}

describe('output piped into a reader that stops early', () => {
  test('query … | head -1 prints the first line and exits 0 without a stack trace', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'big.toml'), chain(5000));
    expect((await run(['load', 'big.toml', '--db', 'w.sqlite'], dir)).code).toBe(0);
    const result = await headOne(['query', '--db', 'w.sqlite', 'SELECT * FROM workflow_phases'], dir);
    expect(result.first).toMatch(/^file_path +task +/);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  test('graph … | head -1 too', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'big.toml'), chain(5000));
    const result = await headOne(['graph', 'big.toml'], dir);
    expect(result.first).toBe('flowchart LR\n');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
