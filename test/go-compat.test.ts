// The Go project's own test files, read where they are kept beside the repository (never copied
// in): the same keys, checksums and answers as the Go cache gives for them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RefreshError } from '../src/index.node.js';
import { taskToolsFixtures, useCaches } from './helpers.js';

const present = existsSync(taskToolsFixtures);
const title = present
  ? 'Go task-tools fixtures'
  : `Go task-tools fixtures (skipped: ${taskToolsFixtures} is absent; it sits beside the repository, not in it)`;

describe.skipIf(!present)(title, () => {
  const caches = useCaches();
  const workflow = join(taskToolsFixtures, 'workflow');

  it('loads the four files of workflow/ under their names', async () => {
    const cache = await caches.open({ workflows: workflow });
    expect(cache.query('SELECT file_path FROM workflow_files ORDER BY 1').map((r) => r.file_path)).toEqual([
      'f1.toml',
      'f2.toml',
      'f3.toml',
      'jobs.toml',
    ]);
  });

  it('gives workflow/f1.toml the checksum the Go test expects', async () => {
    const cache = await caches.open({ workflows: workflow });
    expect(cache.query("SELECT file_hash FROM workflow_files WHERE file_path = 'f1.toml'")).toEqual([
      { file_hash: '4422274d9c9f7e987c609687a7702651' },
    ]);
  });

  it('keys parent/ as f1.toml and group/f3.toml', async () => {
    const cache = await caches.open({ workflows: join(taskToolsFixtures, 'parent') });
    expect(cache.query('SELECT file_path FROM workflow_files ORDER BY 1').map((r) => r.file_path)).toEqual(['f1.toml', 'group/f3.toml']);
  });

  it('fails invalid.toml naming the file with line and column', async () => {
    await caches.open({ workflows: join(taskToolsFixtures, 'invalid.toml') });
    const [warning] = caches.warnings;
    expect(warning).toBeInstanceOf(RefreshError);
    expect((warning as RefreshError).failures[0]).toMatchObject({ file: 'invalid.toml', line: 1, column: 5 });
    expect(warning.message).toContain('invalid.toml:1:5');
  });

  it('reads [[Phase]] with DependsOn (f1.toml) and [[phase]] with dependsOn (f3.toml) alike', async () => {
    const cache = await caches.open({ workflows: workflow });
    expect(cache.children({ type: 'task1', meta: 'workflow=f1.toml' }).map((p) => p.task)).toEqual(['task2']);
    expect(cache.children({ type: 'task1', meta: 'workflow=f3.toml' }).map((p) => p.task)).toEqual(['task2']);
  });

  it('answers get() for a job given in the rule', async () => {
    const cache = await caches.open({ workflows: workflow });
    expect(cache.get({ type: 'task1', job: 't4', meta: 'workflow=f1.toml' }).rule).toBe('cron=0 * * * *&offset=-4h&job=t4');
  });

  it('answers children() for a parent with a job', async () => {
    const cache = await caches.open({ workflows: workflow });
    expect(cache.children({ type: 'task1', job: 't2', meta: 'workflow=f1.toml' }).map((p) => p.task)).toEqual(['task2', 'task5']);
  });

  it('answers children() for topic:job tasks in jobs.toml', async () => {
    const cache = await caches.open({ workflows: workflow });
    expect(cache.children({ type: 'worker', job: 'parent_job', meta: 'workflow=jobs.toml' }).map((p) => p.task)).toEqual([
      'worker',
      'worker:child2',
    ]);
  });

  it('flags a rule that is a bare cron without cron=', async () => {
    const cache = await caches.open({ workflows: workflow });
    expect(cache.query("SELECT status FROM workflow_phases WHERE file_path = 'f2.toml' AND task = 'task1'")).toEqual([
      { status: 'no valid rule found: 0 0 * * * *' },
    ]);
  });
});
