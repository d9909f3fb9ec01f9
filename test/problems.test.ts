// The problems of each phase as data (code, severity, message, line) beside its status, and the
// stored verdicts brought up to the current checks when a database checked by others is opened.
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import { CHECKS_VERSION } from '../src/check-phases.js';
import { DatabaseContentError, MemorySource, WorkflowCache, type PhaseRecord, type Problem } from '../src/index.node.js';
import { useCaches, useTempDirs, writeFiles } from './helpers.js';

/** One phase a line, each header on the line its comment names. */
const workflow = `# line 1
[[phase]] # line 2
task = "blank"

[[phase]] # line 5
task = "no-rule"
rule = "offset=-1h"

[[phase]] # line 9
task = "bad-cron"
rule = "cron=invalid"

[[phase]] # line 13
task = "orphan"
dependsOn = "elsewhere"

[[phase]] # line 17
task = "root"
rule = "cron=0 0 * * *"

[[phase]] # line 21
task = "child"
dependsOn = "root"
rule = "cron=0 1 * * *"

[[phase]] # line 26
task = "retried"
rule = "cron=0 0 * * *"
retry = 11

[[phase]] # line 31
task = "escaped"
rule = "cron=0 0 * * *&x=%zz"

[[phase]] # line 35
task = "root"
rule = "cron=5 0 * * *"

[[phase]] # line 39
task = "ping"
dependsOn = "pong"

[[phase]] # line 43
task = "pong"
dependsOn = "ping"
`;

describe('problems()', () => {
  const tempDir = useTempDirs();
  const caches = useCaches();

  async function records(files: Record<string, string>): Promise<Map<string, PhaseRecord>> {
    const cache = await caches.openMemory(files);
    return new Map(cache.phases().map((p) => [p.task, p]));
  }

  /** Changes a saved database's rows behind the cache's back, as a database of an older release holds them. */
  async function edit(database: string, sql: string): Promise<void> {
    const SQL = await initSqlJs();
    const db = new SQL.Database(await readFile(database));
    db.exec(sql);
    await writeFile(database, db.export());
    db.close();
  }

  it.each<[string, Problem[]]>([
    ['blank', [{ code: 'blank-phase', severity: 'error', message: 'invalid phase: rule and dependsOn are blank', line: 2 }]],
    ['no-rule', [{ code: 'invalid-rule', severity: 'error', message: 'no valid rule found: offset=-1h', line: 5 }]],
    ['bad-cron', [{ code: 'invalid-rule', severity: 'error', message: expect.stringMatching(/^no valid rule found: cron=invalid/) as unknown as string, line: 9 }]],
    ['orphan', [{ code: 'parent-not-found', severity: 'error', message: 'parent task not found: elsewhere', line: 13 }]],
    ['child', [{ code: 'ignored-cron', severity: 'error', message: 'ignored rule: cron=0 1 * * *', line: 21 }]],
    ['retried', [{ code: 'retry-over-limit', severity: 'warning', message: 'warning: retry count exceeds recommended limit', line: 26 }]],
    ['escaped', [{ code: 'invalid-rule-format', severity: 'error', message: 'invalid rule format: cron=0 0 * * *&x=%zz', line: 31 }]],
    // On the phase kept, at the line of the one ignored.
    ['root', [{ code: 'duplicate-task', severity: 'error', message: 'duplicate task: root again at phase 9, which is ignored', line: 35 }]],
    ['ping', [{ code: 'dependency-cycle', severity: 'error', message: 'dependency cycle: ping → pong → ping', line: 39 }]],
  ])('%s: its problems with their code, severity and line, and status their messages joined', async (task, problems) => {
    const record = (await records({ 'w.toml': workflow })).get(task)!;
    expect(record.problems).toEqual(problems);
    expect(record.status).toBe(record.problems!.map((p) => p.message).join('; '));
  });

  it('stores nothing beside the phases of a sound file: no line, no problems', async () => {
    const cache = await caches.openMemory({ 'w.toml': '[[phase]]\ntask = "a"\nrule = "cron=0 0 * * *"\n' });
    expect(cache.query('SELECT line, problems FROM workflow_phases')).toEqual([{ line: null, problems: null }]);
  });

  it('gives a sound phase no problems and an empty status', async () => {
    const record = (await records({ 'w.toml': '[[phase]]\ntask = "a"\nrule = "cron=0 0 * * *"\n' })).get('a')!;
    expect([record.status, record.problems]).toEqual(['', undefined]);
  });

  it('keeps each problem of a rule holding "; " whole, where status splits it apart', async () => {
    const rule = 'offset=1; x=2';
    const record = (await records({ 'w.toml': `[[phase]]\ntask = "a"\nrule = "${rule}"\nretry = 11\n` })).get('a')!;
    expect(record.problems!.map((p) => [p.code, p.message])).toEqual([
      ['invalid-rule-format', `invalid rule format: ${rule}`],
      ['invalid-rule', `no valid rule found: ${rule}`],
      ['retry-over-limit', 'warning: retry count exceeds recommended limit'],
    ]);
    expect(record.status.split('; ')).toHaveLength(5);
  });

  it('gives the phases of an inline array the line of its key', async () => {
    const record = (await records({ 'w.toml': '# phases\n\nphase = [ { task = "a" } ]\n' })).get('a')!;
    expect(record.problems!.map((p) => p.line)).toEqual([3]);
  });

  it('counts the lines of [[Phase]] as the loader reads it, the array whose key appears last', async () => {
    // Go decodes [[Phase]]'s one element over [[phase]]'s: one phase, task "a", and no rule.
    const text = '[[phase]]\ntask = "x"\n\n[[Phase]]\ntask = "a"\n';
    expect((await records({ 'w.toml': text })).get('a')!.problems!.map((p) => [p.code, p.line])).toEqual([['blank-phase', 4]]);
  });

  describe('a database checked by another version of the checks', () => {
    /** A cache of one file, saved and closed, with a stamp the next open trusts: it will not read the file again. */
    async function savedCache(text: string): Promise<{ dir: string; database: string }> {
      const dir = await tempDir();
      await writeFiles(join(dir, 'w'), { 'f.toml': text });
      const anHourAgo = new Date(Date.now() - 3_600_000);
      await utimes(join(dir, 'w', 'f.toml'), anHourAgo, anHourAgo);
      const database = join(dir, 'w.sqlite');
      await (await WorkflowCache.open({ workflows: join(dir, 'w'), storage: database, onWarning: () => {} })).close();
      return { dir, database };
    }

    it('has its statuses and problems recomputed at open from the stored rows, with no history written', async () => {
      // Lines are kept for a file with problems: the blank phase b is one.
      const { dir, database } = await savedCache('[[phase]]\ntask = "a"\nrule = "cron=0 0 * * *"\n\n[[phase]]\ntask = "b"\n');
      // The row now says retry 11, the file still 0: a verdict for retry 11 comes from the row, not the file.
      await edit(database, `UPDATE workflow_phases SET retry = 11, status = 'stale verdict', problems = NULL WHERE task = 'a';
        UPDATE workflow_meta SET value = '${CHECKS_VERSION - 1}' WHERE key = 'checks_version'`);
      const cache = await caches.open({ workflows: join(dir, 'w'), storage: database });
      expect(cache.phases().map((p) => [p.retry, p.status, p.problems?.map((q) => [q.code, q.line])])).toEqual([
        [11, 'warning: retry count exceeds recommended limit', [['retry-over-limit', 1]]],
        [0, 'invalid phase: rule and dependsOn are blank', [['blank-phase', 5]]],
      ]);
      expect(cache.query('SELECT count(*) AS n FROM workflow_history')).toEqual([{ n: 0 }]);
      expect(cache.query("SELECT value FROM workflow_meta WHERE key = 'checks_version'")).toEqual([{ value: String(CHECKS_VERSION) }]);
    });

    it('is saved rechecked, and is not checked again at the next open', async () => {
      const { dir, database } = await savedCache('[[phase]]\ntask = "a"\nrule = "cron=0 0 * * *"\n');
      await edit(database, `UPDATE workflow_phases SET status = 'stale verdict'; DELETE FROM workflow_meta`);
      await (await WorkflowCache.open({ workflows: join(dir, 'w'), storage: database, onWarning: () => {} })).close();
      // Stale again, but under the current version: kept as stored.
      await edit(database, `UPDATE workflow_phases SET status = 'kept as stored'`);
      const reader = await WorkflowCache.openSaved({ storage: database });
      expect(reader.phases().map((p) => p.status)).toEqual(['kept as stored']);
      await reader.close();
    });

    it('keeps the duplicates it noted, which only the stored verdict remembers', async () => {
      const text = '[[phase]]\ntask = "a"\nrule = "cron=0 0 * * *"\n\n[[phase]]\ntask = "a"\nrule = "cron=1 0 * * *"\n';
      const { dir, database } = await savedCache(text);
      await edit(database, `UPDATE workflow_meta SET value = '${CHECKS_VERSION - 1}'`);
      const cache = await caches.open({ workflows: join(dir, 'w'), storage: database });
      expect(cache.phases()[0].problems).toEqual([
        { code: 'duplicate-task', severity: 'error', message: 'duplicate task: a again at phase 2, which is ignored', line: 5 },
      ]);
    });

    it('has problems that do not read back as JSON rewritten', async () => {
      const { database } = await savedCache('[[phase]]\ntask = "a"\n');
      await edit(database, `UPDATE workflow_phases SET problems = '[{"code":'; DELETE FROM workflow_meta`);
      const reader = await WorkflowCache.openSaved({ storage: database });
      expect(reader.phases()[0].problems).toEqual([{ code: 'blank-phase', severity: 'error', message: 'invalid phase: rule and dependsOn are blank', line: 1 }]);
      await reader.close();
    });

    it('is rechecked in memory by openSaved(), which writes nothing', async () => {
      const { database } = await savedCache('[[phase]]\ntask = "a"\nrule = "cron=0 0 * * *"\n');
      await edit(database, `UPDATE workflow_phases SET depends_on = 'gone'; DELETE FROM workflow_meta`);
      const before = await readFile(database);
      const reader = await WorkflowCache.openSaved({ storage: database });
      expect(reader.phases().map((p) => p.problems?.map((q) => q.code))).toEqual([['parent-not-found', 'ignored-cron']]);
      await reader.close();
      expect(await readFile(database)).toEqual(before);
    });
  });

  it('refuses to read problems that are not a list of problems in JSON, naming the file', async () => {
    const database = join(await tempDir(), 'w.sqlite');
    await (await WorkflowCache.open({ workflows: new MemorySource({ 'f.toml': '[[phase]]\ntask = "a"\n' }), storage: database })).close();
    await edit(database, `UPDATE workflow_phases SET problems = '[{"code": "blank-phase"}]'`);
    const reader = await WorkflowCache.openSaved({ storage: database });
    try {
      expect(() => reader.phases()).toThrow(DatabaseContentError);
      expect(() => reader.phases()).toThrow(/^f\.toml holds the problems of phase "a" as something other than a list of problems in JSON/);
    } finally {
      await reader.close();
    }
  });

  describe('a database saved at an older schema version', () => {
    /** A copy of a database saved by an older release, with rows of the problems its checks reported. */
    async function older(name: string, sql: string): Promise<string> {
      const SQL = await initSqlJs();
      const db = new SQL.Database(await readFile(new URL(`./faults/fixtures/${name}`, import.meta.url)));
      db.exec(sql);
      const database = join(await tempDir(), 'w.sqlite');
      await writeFile(database, db.export());
      db.close();
      return database;
    }

    it('opens migrated, with the problems of its rows filled in (lines unknown) and its duplicates read from status', async () => {
      const database = await older(
        'saved-at-version-2.sqlite',
        `UPDATE workflow_phases SET retry = 11, status = 'duplicate task: task-3 again at phase 4, which is ignored' WHERE task = 'task-3'`,
      );
      const reader = await WorkflowCache.openSaved({ storage: database });
      expect(reader.phases().map((p) => [p.task, p.status, p.problems])).toEqual([
        ['task-1', '', undefined],
        ['task-2', '', undefined],
        [
          'task-3',
          'warning: retry count exceeds recommended limit; duplicate task: task-3 again at phase 4, which is ignored',
          [
            { code: 'retry-over-limit', severity: 'warning', message: 'warning: retry count exceeds recommended limit' },
            { code: 'duplicate-task', severity: 'error', message: 'duplicate task: task-3 again at phase 4, which is ignored' },
          ],
        ],
      ]);
      await reader.close();
    });

    it('opens for writing from schema version 1 and loads its files with their problems', async () => {
      const database = await older('saved-at-version-1.sqlite', '');
      const cache = await caches.open({ workflows: new MemorySource({ 'f.toml': '[[phase]]\ntask = "a"\n' }), storage: database });
      expect(cache.phases()[0].problems).toEqual([{ code: 'blank-phase', severity: 'error', message: 'invalid phase: rule and dependsOn are blank', line: 1 }]);
    });
  });
});
