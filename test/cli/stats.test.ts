import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { useTempDirs } from '../helpers.js';
import { examples, run } from './run.js';

const tempDir = useTempDirs();

describe('workflow-cache stats', () => {
  test('given a path, prints counts, size and latency per operation', async () => {
    const result = await run(['stats', examples]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^files: 4 {2}phases: 12 {2}phases with problems: 0 {2}failed files: 0$/m);
    expect(result.stdout).toMatch(/^database size: \d+ bytes/m);
    expect(result.stdout).toMatch(/^operation +calls +errors +p50 ms +p95 ms +p99 ms +max ms$/m);
    expect(result.stdout).toMatch(/^get +12 +0 /m);
    expect(result.stdout).toMatch(/^refresh +1 +0 /m);
  });

  test('--json gives the same figures as data', async () => {
    const stats = JSON.parse((await run(['stats', examples, '--json'])).stdout);
    expect(stats).toMatchObject({ files: 4, phases: 12, problems: 0 });
    expect(stats.operations.children.count).toBe(12);
    expect(stats.operations.search.p99).toBeGreaterThan(0);
  });

  test('with --db alone, reads the counts from the file', async () => {
    const db = join(await tempDir(), 'w.sqlite');
    await run(['load', examples, '--db', db]);
    const stats = JSON.parse((await run(['stats', '--db', db, '--json'])).stdout);
    expect(stats).toMatchObject({ files: 4, phases: 12, historyVersions: 0 });
    expect(stats.operations).toBeUndefined();
  });

  test('with neither path nor --db exits 2', async () => {
    const result = await run(['stats']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('workflow-cache: stats needs a workflows path, --db <file>, or both\n');
  });
});
