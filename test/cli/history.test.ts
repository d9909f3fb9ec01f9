import { cp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { toml, useTempDirs } from '../helpers.js';
import { examples, run } from './run.js';

const tempDir = useTempDirs();
let dir: string;
let db: string;

/** The examples loaded, then orders.toml edited (a rule changed, a phase added, one removed) and loaded again. */
beforeEach(async () => {
  dir = await tempDir();
  db = join(dir, 'w.sqlite');
  await cp(examples, join(dir, 'wf'), { recursive: true });
  await run(['load', join(dir, 'wf'), '--db', db]);
  await writeFile(
    join(dir, 'wf/orders.toml'),
    toml(
      { task: 'ingest:orders', rule: 'cron=0 3 * * *' },
      { task: 'transform:orders', dependsOn: 'ingest:orders' },
      { task: 'load:orders', dependsOn: 'transform:orders' },
      { task: 'archive:orders', dependsOn: 'load:orders' },
    ),
  );
  await run(['load', join(dir, 'wf'), '--db', db]);
});

describe('workflow-cache history', () => {
  test('lists the versions and what changed between them', async () => {
    const result = await run(['history', 'orders.toml', '--db', db]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^orders\.toml: 2 versions\n {2}v1 +[0-9a-f]{8} +loaded .* +replaced .* +4 phases\n {2}v2 .* current +4 phases\n/);
    expect(result.stdout).toContain('v1 → v2:');
    expect(result.stdout).toContain('  + archive:orders  dependsOn=load:orders');
    expect(result.stdout).toContain('  - report  dependsOn=load:orders  rule=job=daily-sales');
    expect(result.stdout).toContain('  ~ ingest:orders\n      rule: "cron=0 2 * * *" → "cron=0 3 * * *"');
  });

  test('finds the file from a path ending in its key', async () => {
    const result = await run(['history', join(dir, 'wf/orders.toml'), '--db', db]);
    expect(result.stdout).toMatch(/^orders\.toml: 2 versions/);
  });

  test('--json gives versions and changes as data', async () => {
    const report = JSON.parse((await run(['history', 'orders.toml', '--db', db, '--json'])).stdout);
    expect(report.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(report.changes[0].added.map((p: { task: string }) => p.task)).toEqual(['archive:orders']);
    expect(report.changes[0].removed.map((p: { task: string }) => p.task)).toEqual(['report']);
    expect(report.changes[0].changed[0]).toMatchObject({ key: 'ingest:orders', fields: ['rule', 'retry', 'template'] });
  });

  test('a file removed from the folder keeps its versions, marked removed', async () => {
    await rm(join(dir, 'wf/ops/maintenance.toml'));
    await run(['load', join(dir, 'wf'), '--db', db]);
    const result = await run(['history', 'ops/maintenance.toml', '--db', db]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ops\/maintenance\.toml: 1 version\n/);
    expect(result.stdout).toMatch(/\(removed \d{4}-/);
  });

  test('--from and --to pick one comparison; a version out of range exits 2', async () => {
    expect((await run(['history', 'orders.toml', '--db', db, '--from', '1', '--to', '2'])).stdout).toContain('v1 → v2:');
    const result = await run(['history', 'orders.toml', '--db', db, '--to', '9']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('workflow-cache: no version 9; versions are 1 to 2\n');
  });

  test('an unknown file exits 2 listing the files', async () => {
    const result = await run(['history', 'nope.toml', '--db', db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no workflow file "nope.toml" in the database; files: marketing/attribution.toml');
  });
});
