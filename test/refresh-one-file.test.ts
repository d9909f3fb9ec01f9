// A file loaded anew rewrites only the phases that changed: whatever the edit, the tables then
// hold exactly what a cache that loaded the new file from scratch holds, and an edit that leaves
// every phase as it was (a comment) rewrites none of them but is still a version of the file.
import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import { MemorySource, MemoryStorage, type WorkflowCache } from '../src/index.node.js';
import { useCaches } from './helpers.js';

const { open } = useCaches();

/** Every stored column of every phase, in key order: what a fresh load must match. */
const phaseRows = (cache: WorkflowCache) =>
  cache.query('SELECT file_path, task, depends_on, rule, template, retry, typeof(retry) AS retry_type, status, written_task, position, topic, job, depends_topic, depends_job, line, problems FROM workflow_phases ORDER BY file_path, task');

/** The rowid of each phase, by task: a row kept keeps it, a row written again gets a new one. */
const rowIds = (cache: WorkflowCache) =>
  Object.fromEntries(cache.query('SELECT task, rowid AS id FROM workflow_phases ORDER BY task').map((r) => [r.task, r.id]));

/** Loads `before`, edits it to `after`, refreshes; checks the tables against a fresh load of `after`. */
async function edited(before: string, after: string) {
  const source = new MemorySource({ 'f.toml': before, 'other.toml': '[[phase]]\ntask = "x"\n' });
  const cache = await open({ workflows: source });
  const ids = rowIds(cache);
  source.set('f.toml', after);
  expect(await cache.refresh()).toEqual(['f.toml']);
  const fresh = await open({ workflows: new MemorySource({ 'f.toml': after, 'other.toml': '[[phase]]\ntask = "x"\n' }) });
  expect(phaseRows(cache)).toEqual(phaseRows(fresh));
  expect(cache.phases()).toEqual(fresh.phases());
  expect(cache.stats()).toMatchObject({ phases: fresh.stats().phases, problems: fresh.stats().problems });
  return { cache, ids, idsAfter: rowIds(cache) };
}

const extract = '[[phase]]\ntask = "extract"\nrule = "cron=0 2 * * *"\n';
const load = '[[phase]]\ntask = "load"\ndependsOn = "extract"\n';
const report = '[[phase]]\ntask = "report"\ndependsOn = "load"\nretry = 2\n';

describe('a refresh that loads a file anew', () => {
  it('rewrites no phase when only a comment changed, and still keeps the version replaced', async () => {
    const { cache, ids, idsAfter } = await edited(extract + load + report, `${extract + load + report}\n# edited\n`);
    expect(idsAfter).toEqual(ids);
    const versions = cache.history('f.toml');
    expect(versions).toHaveLength(2);
    expect(versions[0].hash).not.toBe(versions[1].hash);
    expect(versions[0].phases).toEqual(versions[1].phases);
    expect(cache.files().find((f) => f.file === 'f.toml')?.hash).toBe(versions[1].hash);
  });

  it('rewrites only the phase whose rule changed', async () => {
    const { cache, ids, idsAfter } = await edited(extract + load + report, extract.replace('0 2', '0 3') + load + report);
    expect(idsAfter.extract).not.toBe(ids.extract);
    expect([idsAfter.load, idsAfter.report]).toEqual([ids.load, ids.report]);
    expect(cache.get({ type: 'extract', meta: 'workflow=f.toml' }).rule).toBe('cron=0 3 * * *');
    expect(cache.get({ type: 'extract', meta: 'workflow=*' }).rule).toBe('cron=0 3 * * *');
  });

  it('rewrites a phase whose own values stayed but whose problems changed (its parent gone)', async () => {
    const { cache } = await edited(extract + load + report, load + report);
    expect(cache.phases('f.toml').find((p) => p.task === 'load')?.status).toMatch(/parent/);
  });

  it('rewrites a phase with problems whose line moved', async () => {
    const broken = '[[phase]]\ntask = "orphan"\ndependsOn = "nobody"\n';
    const { cache } = await edited(extract + broken, `# a comment above\n\n${extract + broken}`);
    expect(cache.phases('f.toml').find((p) => p.task === 'orphan')?.problems?.[0]?.line).toBe(6);
  });

  it('rewrites the phases that changed places', async () => {
    const { cache } = await edited(extract + load + report, extract + report + load);
    expect(cache.phases('f.toml').map((p) => p.task)).toEqual(['extract', 'report', 'load']);
    expect(cache.children({ type: 'extract', meta: 'workflow=f.toml' }).map((p) => p.task)).toEqual(['load']);
  });

  it('deletes a phase taken out and inserts one added', async () => {
    const added = '[[phase]]\ntask = "archive"\ndependsOn = "extract"\n';
    const { cache } = await edited(extract + load + report, extract + report.replace('"load"', '"extract"') + added);
    expect(cache.phases('f.toml').map((p) => p.task)).toEqual(['extract', 'report', 'archive']);
    expect(cache.get({ type: 'load', meta: 'workflow=f.toml' }).task).toBe('');
  });

  it('keeps a retry past a safe integer exact', async () => {
    const big = '[[phase]]\ntask = "extract"\nretry = 9007199254740993\n';
    const { cache } = await edited(big, `${big}# edited\n`);
    expect(cache.get({ type: 'extract', meta: 'workflow=f.toml' }).retry).toBe(9007199254740993n);
  });

  it('loads a job and a dependency on a job as a fresh load stores them', async () => {
    const jobs = '[[phase]]\ntask = "extract:eu"\n\n[[phase]]\ntask = "load:eu"\ndependsOn = "extract:eu"\n';
    await edited(jobs, `${jobs}\n# edited\n`);
    await edited(jobs, jobs.replace('dependsOn = "extract:eu"', 'dependsOn = "extract"'));
  });
});

describe('a refresh that loads anew a file whose stored rows JSON cannot hold', () => {
  it('replaces them all, as a fresh load stores the file', async () => {
    const source = new MemorySource({ 'f.toml': extract + load });
    const saved = new MemoryStorage();
    await (await open({ workflows: source, storage: saved })).close();
    // Changed outside the cache: a BLOB where a line was, which json_array() refuses.
    const SQL = await initSqlJs();
    const db = new SQL.Database(await saved.load());
    db.run("UPDATE workflow_phases SET line = x'00ff' WHERE task = 'load'");
    const storage = new MemoryStorage(db.export());
    db.close();
    const cache = await open({ workflows: source, storage });
    source.set('f.toml', `${extract + load}# edited\n`);
    expect(await cache.refresh()).toEqual(['f.toml']);
    const fresh = await open({ workflows: new MemorySource({ 'f.toml': `${extract + load}# edited\n` }) });
    expect(phaseRows(cache)).toEqual(phaseRows(fresh));
  });
});
