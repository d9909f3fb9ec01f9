import { SchemaVersionError } from '../errors.js';
import type { Database, Engine } from './engine.js';
import { APPLICATION_ID, indexes, migrations, SCHEMA_VERSION } from './schema.js';
import { readSchema, schemaDifferences, type ExpectedSchema } from './schema-check.js';
import { messageOf } from '../message-of.js';

/** A saved image that cannot be used, and why; the caller keeps it aside and starts afresh. */
export class UnusableImage {
  constructor(readonly reason: string) {}
}

const magic = 'SQLite format 3\0';

/**
 * `PRAGMA quick_check` reads every page: on a large image, longer than the rest of an open from
 * it (bench/RESULTS.md, "Open from an image"). Larger images get the cheap checks only (header,
 * page count, schema); damage inside them surfaces as an error from the query that meets it.
 */
const QUICK_CHECK_MAX_BYTES = 4 * 1024 * 1024;

/** A new, empty database with the current schema. */
export function newDatabase(engine: Engine): Database {
  const db = create(engine, undefined);
  migrate(db, 0);
  return db;
}

/**
 * Opens a saved database image, checks that its schema is exactly ours, and brings it up to date.
 * Until the schema is known to be ours, nothing reads a table or a view and nothing writes: a
 * trigger or view planted in the image never runs.
 * @param where names the storage in errors
 * @throws {SchemaVersionError} when a newer version of this library wrote the image
 */
export function openImage(engine: Engine, image: Uint8Array, where: string): Database | UnusableImage {
  const problem = headerProblem(image);
  if (problem) return new UnusableImage(problem);
  let db: Database | undefined;
  try {
    db = create(engine, image);
    const version = verifiedVersion(engine, db, where);
    if (version instanceof UnusableImage) {
      db.close();
      return version;
    }
    // After the schema check: quick_check evaluates CHECK constraints, which must be ours.
    if (image.length <= QUICK_CHECK_MAX_BYTES) {
      const check = scalar(db, 'PRAGMA quick_check');
      if (check !== 'ok') throw new Error(String(check));
    }
    migrate(db, version);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof SchemaVersionError) throw error;
    return new UnusableImage(`not a usable SQLite database (${messageOf(error)})`);
  }
}

/**
 * The schema version of an image whose header fields and schema are ours, to migrate from; why
 * it cannot be used otherwise. Reads two header fields and `sqlite_schema`, nothing else.
 * @throws {SchemaVersionError} when a newer version of this library wrote the image
 */
function verifiedVersion(engine: Engine, db: Database, where: string): number | UnusableImage {
  const application = scalar(db, 'PRAGMA application_id');
  const version = Number(scalar(db, 'PRAGMA user_version'));
  const found = readSchema(db);
  if (application !== APPLICATION_ID) {
    // A SQLite database with nothing in it yet is as good as a new one.
    if (application === 0 && found.length === 0) return 0;
    return new UnusableImage('a SQLite database, but not one of workflow-cache (another schema)');
  }
  if (version > SCHEMA_VERSION) throw new SchemaVersionError(version, SCHEMA_VERSION, where);
  if (version < 0) return new UnusableImage(`a workflow-cache database of schema version ${version}, which no workflow-cache writes`);
  const differences = schemaDifferences(found, expectedSchema(engine, version));
  if (differences.length > 0) {
    return new UnusableImage(`a workflow-cache database whose schema differs from workflow-cache's own at version ${version} (${differences.join('; ')})`);
  }
  return version;
}

/** The schema of each version, built once per process. */
const expectedSchemas = new Map<number, ExpectedSchema>();

/**
 * The schema a database of `version` has, derived by building one: an empty database taken
 * through our migrations up to `version`, as every database of ours was, plus the indexes a
 * load builds (on `workflow_phases`, which every version from 1 has).
 */
function expectedSchema(engine: Engine, version: number): ExpectedSchema {
  let expected = expectedSchemas.get(version);
  if (!expected) {
    const db = create(engine, undefined);
    try {
      migrate(db, 0, version);
      const required = readSchema(db);
      if (version >= 1) db.exec(indexes);
      const names = new Set(required.map((o) => `${o.type} ${o.name}`));
      expected = { required, optional: readSchema(db).filter((o) => !names.has(`${o.type} ${o.name}`)) };
    } finally {
      db.close();
    }
    expectedSchemas.set(version, expected);
  }
  return expected;
}

function create(engine: Engine, image: Uint8Array | undefined): Database {
  const db = engine.open(image);
  // Everything lives in memory: a journal on the engine's in-memory file system buys nothing, and
  // EXCLUSIVE keeps the page cache across statements. The cache stays small (2 MiB): every page
  // in it is a second copy of one in that file system, a miss is a memcpy away, and wasm memory,
  // once grown, is never given back. 16 MiB held 20 MB more after a load and a lookup in every
  // file, for no faster load, first lookups or refresh (bench/RESULTS.md, "Lookup memory and
  // first touch").
  db.exec(`
    PRAGMA journal_mode = MEMORY;
    PRAGMA synchronous = OFF;
    PRAGMA temp_store = MEMORY;
    PRAGMA locking_mode = EXCLUSIVE;
    PRAGMA cache_size = -2048;
  `);
  return db;
}

/** Takes a database from schema version `from` to `to`. */
function migrate(db: Database, from: number, to = SCHEMA_VERSION): void {
  const pending = migrations.filter((m) => m.version > from && m.version <= to);
  if (pending.length === 0) return;
  db.exec('BEGIN');
  try {
    for (const m of pending) db.exec(m.sql);
    db.exec(`PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = ${to};`);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/** Cheap checks that catch a truncated or foreign file before SQLite reads it. */
function headerProblem(image: Uint8Array): string | undefined {
  if (image.length === 0) return 'an empty file';
  if (image.length < 100 || new TextDecoder().decode(image.subarray(0, 16)) !== magic) {
    return 'not a SQLite database';
  }
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const pages = view.getUint32(28);
  // The page count in the header is valid when the two change counters agree.
  if (view.getUint32(24) === view.getUint32(92) && pages * pageSize > image.length) {
    return `truncated: ${image.length} bytes where the header says ${pages * pageSize}`;
  }
  return undefined;
}

function scalar(db: Database, sql: string): unknown {
  const statement = db.prepare(sql);
  try {
    return statement.first()?.[0];
  } finally {
    statement.free();
  }
}
