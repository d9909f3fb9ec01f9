import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { useTempDirs, writeFiles } from '../helpers.js';
import { run } from './run.js';

const tempDir = useTempDirs();

/** A workflows folder that is a git checkout, with a README and an editor's leftovers. */
async function checkout(): Promise<string> {
  const dir = await tempDir();
  await writeFiles(join(dir, 'w'), {
    'daily.toml': '[[phase]]\ntask = "a"\nrule = "cron=0 * * * *"\n',
    'README.md': 'Workflows of the data team.\n',
    '.DS_Store': '\u0000\u0001Bud1',
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.git/config': '[core]\n\tbare = false\n',
  });
  return dir;
}

describe('folders that hold more than workflows', () => {
  test('by default every file is read, as in Go, and the failures end with a hint', async () => {
    const result = await run(['validate', 'w'], await checkout());
    expect(result.code).toBe(1);
    // .git/config happens to be TOML: it loads, as a workflow of no phases
    expect(result.stdout).toMatch(/^files: 2 loaded, 3 failed$/m);
    expect(result.stdout).toMatch(/^ {2}README\.md:1:11: expected key separator '=', but got 'o' instead$/m);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
      "hint: 3 failed files are not named *.toml: as in Go, every file below the folder is read as a workflow; leave such files out with --ignore '<glob>' (repeatable), --include '*.toml', or a .workflowcacheignore file in the folder",
    );
  });

  test('--ignore, repeated, leaves them out', async () => {
    const result = await run(['validate', 'w', '--ignore', '.git', '--ignore', '*.md', '--ignore', '.DS_Store'], await checkout());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^files: 1 loaded, 0 failed$/m);
  });

  test('--include reads only what matches', async () => {
    const result = await run(['load', 'w', '--include', '*.toml'], await checkout());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^files: 1 loaded, 0 failed$/m);
  });

  test('a .workflowcacheignore in the folder does the same for every command', async () => {
    const dir = await checkout();
    await writeFile(join(dir, 'w/.workflowcacheignore'), '.git/\n*.md\n.DS_Store\n');
    for (const args of [['validate', 'w'], ['graph', 'w'], ['load', 'w', '--db', 'w.sqlite']]) {
      const result = await run(args, dir);
      expect(result.code, `${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
    }
  });

  test('without non-TOML failures there is no hint', async () => {
    const dir = await tempDir();
    await writeFiles(join(dir, 'w'), { 'bad.toml': '[[phase]\n' });
    const result = await run(['validate', 'w'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('hint:');
  });

  test('with a bucket, the patterns are a usage error, not ignored', async () => {
    const result = await run(['validate', 's3://bucket/workflows', '--ignore', '*.md']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'workflow-cache: workflows "s3://bucket/workflows": ignore and include apply to folders on disk, not yet to buckets; give the bucket a prefix that holds only workflows\n',
    );
  });
});
