// The example queries the schema is made for, each run exactly as its users write it, through
// query(), on files keyed as a scheduler's workflows folder keys them (workflows/data-load.toml).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemorySource, SCHEMA_VERSION, type WorkflowCache } from '../src/index.node.js';
import { fixtures, toml, useCaches } from './helpers.js';

const byTask = (rows: Record<string, unknown>[], column = 'task') =>
  [...rows].sort((a, b) => String(a[column]).localeCompare(String(b[column])));

const ignored = 'ignored rule: cron=0 6 * * *';
const retryWarning = 'warning: retry count exceeds recommended limit';
const orphan = 'parent task not found: data-load';

describe("the schema's example queries", () => {
  const caches = useCaches();
  let cache: WorkflowCache;
  let dataLoad: string;
  beforeEach(async () => {
    dataLoad = await readFile(join(fixtures, 'data-load.toml'), 'utf8');
    cache = await caches.open({
      workflows: new MemorySource({
        'workflows/data-load.toml': dataLoad,
        // Depends on data-load, which is not in this file: a problem of its own.
        'workflows/cleanup.toml': toml({ task: 'cleanup', dependsOn: 'data-load', template: '{meta:file}' }),
      }),
    });
  });

  it('finds all phases in a specific workflow file', () => {
    const rows = cache.query(`SELECT task, depends_on, rule, status
FROM workflow_phases 
WHERE file_path = 'workflows/data-load.toml';`);
    expect(byTask(rows)).toEqual([
      { task: 'archive', depends_on: 'data-load:hourly', rule: '', status: retryWarning },
      { task: 'data-load:daily', depends_on: '', rule: 'cron=0 0 * * *', status: '' },
      { task: 'data-load:hourly', depends_on: '', rule: 'cron=0 * * * *&job=hourly', status: '' },
      { task: 'report', depends_on: 'data-load', rule: 'cron=0 6 * * *', status: ignored },
      { task: 'validate', depends_on: 'data-load', rule: '', status: '' },
    ]);
  });

  it('finds phases that depend on a specific task type', () => {
    const rows = cache.query(`SELECT file_path, task, rule, status
FROM workflow_phases 
WHERE depends_on = 'data-load';`);
    expect(byTask(rows)).toEqual([
      { file_path: 'workflows/cleanup.toml', task: 'cleanup', rule: '', status: orphan },
      { file_path: 'workflows/data-load.toml', task: 'report', rule: 'cron=0 6 * * *', status: ignored },
      { file_path: 'workflows/data-load.toml', task: 'validate', rule: '', status: '' },
    ]);
  });

  it('finds phases by topic with LIKE on topic:job', () => {
    const rows = cache.query(`SELECT file_path, task, depends_on, rule, status
FROM workflow_phases 
WHERE task LIKE 'data-load:%';`);
    expect(byTask(rows)).toEqual([
      { file_path: 'workflows/data-load.toml', task: 'data-load:daily', depends_on: '', rule: 'cron=0 0 * * *', status: '' },
      { file_path: 'workflows/data-load.toml', task: 'data-load:hourly', depends_on: '', rule: 'cron=0 * * * *&job=hourly', status: '' },
    ]);
  });

  it('finds phases with warnings or errors', () => {
    const rows = cache.query(`SELECT file_path, task, status
FROM workflow_phases 
WHERE status IS NOT NULL AND status != '';`);
    expect(byTask(rows)).toEqual([
      { file_path: 'workflows/data-load.toml', task: 'archive', status: retryWarning },
      { file_path: 'workflows/cleanup.toml', task: 'cleanup', status: orphan },
      { file_path: 'workflows/data-load.toml', task: 'report', status: ignored },
    ]);
  });

  it('finds phases with specific status messages', () => {
    const rows = cache.query(`SELECT file_path, task, status
FROM workflow_phases 
WHERE status LIKE '%warning%' OR status LIKE '%error%';`);
    expect(rows).toEqual([{ file_path: 'workflows/data-load.toml', task: 'archive', status: retryWarning }]);
  });

  it('generates task relationships dynamically (parent -> child)', () => {
    const rows = cache.query(`SELECT 
    parent.depends_on as parent_task,
    parent.task as child_task,
    parent.file_path,
    parent.rule as child_rule,
    parent.status as child_status
FROM workflow_phases parent
WHERE parent.depends_on IS NOT NULL AND parent.depends_on != '';`);
    expect(byTask(rows, 'child_task')).toEqual([
      { parent_task: 'data-load:hourly', child_task: 'archive', file_path: 'workflows/data-load.toml', child_rule: '', child_status: retryWarning },
      { parent_task: 'data-load', child_task: 'cleanup', file_path: 'workflows/cleanup.toml', child_rule: '', child_status: orphan },
      { parent_task: 'data-load', child_task: 'report', file_path: 'workflows/data-load.toml', child_rule: 'cron=0 6 * * *', child_status: ignored },
      { parent_task: 'data-load', child_task: 'validate', file_path: 'workflows/data-load.toml', child_rule: '', child_status: '' },
    ]);
  });

  it('finds all children of a specific task', () => {
    const rows = cache.query(`SELECT 
    child.task as child_task,
    child.file_path,
    child.rule as child_rule,
    child.status as child_status
FROM workflow_phases child
WHERE child.depends_on = 'data-load';`);
    expect(byTask(rows, 'child_task')).toEqual([
      { child_task: 'cleanup', file_path: 'workflows/cleanup.toml', child_rule: '', child_status: orphan },
      { child_task: 'report', file_path: 'workflows/data-load.toml', child_rule: 'cron=0 6 * * *', child_status: ignored },
      { child_task: 'validate', file_path: 'workflows/data-load.toml', child_rule: '', child_status: '' },
    ]);
  });

  it('finds all parents of a specific task', () => {
    const rows = cache.query(`SELECT 
    parent.depends_on as parent_task,
    parent.file_path,
    parent.rule as parent_rule,
    parent.status as parent_status
FROM workflow_phases parent
WHERE parent.task = 'data-load:hourly';`);
    expect(rows).toEqual([
      { parent_task: '', file_path: 'workflows/data-load.toml', parent_rule: 'cron=0 * * * *&job=hourly', parent_status: '' },
    ]);
  });

  it('gets workflow file info with phase count and status summary', () => {
    const rows = cache.query(`SELECT 
    wf.file_path, 
    wf.file_hash, 
    wf.loaded_at, 
    COUNT(wp.task) as phase_count,
    COUNT(CASE WHEN wp.status IS NOT NULL AND wp.status != '' THEN 1 END) as phases_with_status
FROM workflow_files wf
LEFT JOIN workflow_phases wp ON wf.file_path = wp.file_path
GROUP BY wf.file_path;`);
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    expect(rows).toEqual([
      {
        file_path: 'workflows/cleanup.toml',
        file_hash: md5(toml({ task: 'cleanup', dependsOn: 'data-load', template: '{meta:file}' })),
        loaded_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
        phase_count: 1,
        phases_with_status: 1,
      },
      {
        file_path: 'workflows/data-load.toml',
        file_hash: md5(dataLoad),
        loaded_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
        phase_count: 5,
        phases_with_status: 2,
      },
    ]);
  });
});

describe('the schema', () => {
  const caches = useCaches();

  it('has the indexes on task, depends_on and status', async () => {
    const cache = await caches.openMemory({});
    const names = cache.query("SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'idx_workflow_phases_%'").map((r) => r.name);
    expect(names).toEqual(
      expect.arrayContaining(['idx_workflow_phases_task', 'idx_workflow_phases_depends_on', 'idx_workflow_phases_status']),
    );
  });

  it('has the workflow_files columns queries name', async () => {
    const cache = await caches.openMemory({});
    const columns = cache.query("SELECT name FROM pragma_table_info('workflow_files')").map((r) => r.name);
    expect(columns).toEqual(expect.arrayContaining(['file_path', 'file_hash', 'loaded_at', 'last_modified']));
  });

  it('has the workflow_phases columns queries name', async () => {
    const cache = await caches.openMemory({});
    const columns = cache.query("SELECT name FROM pragma_table_info('workflow_phases')").map((r) => r.name);
    expect(columns).toEqual(expect.arrayContaining(['file_path', 'task', 'depends_on', 'rule', 'template', 'retry', 'status']));
  });

  it('keys workflow_phases by (file_path, task)', async () => {
    const cache = await caches.openMemory({});
    const key = cache.query("SELECT name FROM pragma_table_info('workflow_phases') WHERE pk > 0 ORDER BY pk").map((r) => r.name);
    expect(key).toEqual(['file_path', 'task']);
  });

  it('stores topic:job in task when the job is in the rule, and the task alone when there is no job', async () => {
    const cache = await caches.openMemory({ 'a.toml': toml({ task: 'task1', rule: 'job=t2' }, { task: 'task3', rule: 'cron=0 0 * * *' }) });
    expect(cache.query('SELECT task FROM workflow_phases ORDER BY task')).toEqual([{ task: 'task1:t2' }, { task: 'task3' }]);
  });

  it('records the schema version in PRAGMA user_version', async () => {
    const cache = await caches.openMemory({});
    expect(cache.query('SELECT * FROM pragma_user_version')).toEqual([{ user_version: SCHEMA_VERSION }]);
  });

  it("marks the database as ours with PRAGMA application_id 0x57464321", async () => {
    const cache = await caches.openMemory({});
    expect(cache.query('SELECT * FROM pragma_application_id')).toEqual([{ application_id: 0x57464321 }]);
  });
});
