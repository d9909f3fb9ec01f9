import type { LoadFailure } from './errors.js';
import { defaultRetention, dropExpiredVersionsSql, dropOldVersionsSql, keepVersionSql, type HistoryRetention } from './history.js';
import { dependency, type Phase, type PhaseRecord } from './phase.js';
import { heldBytes, MAX_REMEMBERED_KEY, phaseBytes, ReadCache, type IndexedPhase } from './read-cache.js';
import { indexes } from './schema.js';
import type { Database, Statement } from './sqljs.js';
import type { CheckedPhase } from './status.js';

/** What the cache knows of a workflow file it has read. */
export interface FileState {
  hash: string;
  size: number | null;
  mtimeMs: number | null;
  checkedAtMs: number | null;
  /** The version the source gave when the file was last read (an object's ETag), or `null`. */
  version: string | null;
}

/** A loaded workflow file, as `WorkflowCache.files()` lists it. */
export interface WorkflowFile {
  /** The file key. */
  file: string;
  /** md5 of the file as loaded. */
  hash: string;
  /** When it was loaded (UTC, `YYYY-MM-DD HH:MM:SS`). */
  loadedAt: string | null;
  /** How many phases it holds. */
  phases: number;
  /** How many of them have problems. */
  problems: number;
}

/** Size and modification time of a file as a source reports them, when it can. */
export interface FileStamp {
  size?: number;
  mtimeMs?: number;
  version?: string;
}

type Row = Record<string, number | string | Uint8Array | null>;
type Value = number | string | Uint8Array | null;

/**
 * In {@link toPhase}'s order: lookups read rows as arrays, several times faster than as objects.
 * A retry beyond a JS safe integer comes as text, to stay exact (sql.js reads integers as doubles).
 */
const phaseColumns = 'written_task, rule, depends_on, iif(retry BETWEEN -9007199254740991 AND 9007199254740991, retry, CAST(retry AS TEXT)), template';

/**
 * The lookups, built once: a template literal makes a new string at every call, and the
 * statement cache would hash all of it each time.
 */
const lookups = {
  inFile: `SELECT ${phaseColumns} FROM workflow_phases WHERE topic = ? AND file_path = ? ORDER BY position LIMIT 1`,
  inFileWithJob: `SELECT ${phaseColumns} FROM workflow_phases WHERE topic = ? AND job = ? AND file_path = ? ORDER BY position LIMIT 1`,
  inAnyFile: `SELECT ${phaseColumns}, file_path FROM workflow_phases WHERE topic = ? ORDER BY file_path, position LIMIT 1`,
  inAnyFileWithJob: `SELECT ${phaseColumns}, file_path FROM workflow_phases WHERE topic = ? AND job = ? ORDER BY file_path, position LIMIT 1`,
  // These two are put in file order by inFileOrder(), not ORDER BY: no index gives that order
  // here, and SQLite's sort of a few rows costs more than the query (children: 19 → 11 µs).
  children: `SELECT ${phaseColumns}, position FROM workflow_phases
    WHERE file_path = ? AND depends_topic = ? AND (depends_job = '' OR depends_job = ?)`,
  wholeFile: `SELECT ${phaseColumns}, topic, job, depends_topic, depends_job, position FROM workflow_phases WHERE file_path = ?`,
};

/**
 * Bytes of answers remembered at most (keys and phases, as {@link heldBytes} counts them): a
 * scheduler asks about few tasks over and over; beyond, start over. In bytes, not answers,
 * since a caller's meta or a phase's template may be megabytes each.
 */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/**
 * The SQL behind the cache: every statement prepared once and kept, since preparing costs more
 * than a lookup. Synchronous, like sql.js itself.
 * @internal
 */
export class WorkflowStore {
  readonly db: Database;
  readonly #statements = new Map<string, Statement>();
  /** Answers to lookups by a caller's key, dropped whenever phases are written or removed. */
  readonly #answers = new Map<string, Phase>();
  #answerBytes = 0;
  /** Phases of files asked about again soon, dropped with the answers. */
  /** Set once the indexes are known to exist: checking costs queries at every refresh. */
  #indexed = false;
  readonly #reads = new ReadCache((file) => inFileOrder(this.#allValues(lookups.wholeFile, [file]), 9).map(toIndexedPhase));
  /** How much history {@link writeFile} and {@link removeFile} keep. */
  readonly #retention: Required<HistoryRetention>;

  constructor(db: Database, retention: Required<HistoryRetention> = defaultRetention) {
    this.db = db;
    this.#retention = retention;
  }

  /** The first phase of `file` with this topic (and job, when not `''`), in file order; may be shared: copy it before handing it out. */
  phaseInFile(file: string, topic: string, job: string): Phase | undefined {
    const held = this.#reads.file(file);
    if (held) return held.first(topic, job);
    const row = job === ''
      ? this.#firstValues(lookups.inFile, [topic, file])
      : this.#firstValues(lookups.inFileWithJob, [topic, job, file]);
    return row && toPhase(row);
  }

  /** The first phase of any file with this topic (and job), files in key order. */
  phaseInAnyFile(topic: string, job: string): { path: string; phase: Phase } | undefined {
    const row = job === ''
      ? this.#firstValues(lookups.inAnyFile, [topic])
      : this.#firstValues(lookups.inAnyFileWithJob, [topic, job]);
    return row && { path: String(row[5]), phase: toPhase(row) };
  }

  /** Phases of `file` that run after `topic` (any job, or `job` when they name one). */
  children(file: string, topic: string, job: string): Phase[] {
    const held = this.#reads.file(file);
    if (held) return held.children(topic, job);
    return inFileOrder(this.#allValues(lookups.children, [file, topic, job]), 5).map(toPhase);
  }

  /** A lookup's answer remembered under `key` since the last write, if any. */
  answer(key: string): Phase | undefined {
    return this.#answers.get(key);
  }

  /** Remembers a lookup's answer until the next write (not under a huge key); the caller must not change `phase` after. */
  remember(key: string, phase: Phase): void {
    if (key.length > MAX_REMEMBERED_KEY) return;
    const bytes = heldBytes(key) + phaseBytes(phase);
    if (bytes > MAX_ANSWER_BYTES) return;
    if (this.#answerBytes + bytes > MAX_ANSWER_BYTES) {
      this.#answers.clear();
      this.#answerBytes = 0;
    }
    this.#answers.set(key, phase);
    this.#answerBytes += bytes;
  }

  /** Every phase with its file and status, files in key order, phases in file order. */
  phases(file?: string): PhaseRecord[] {
    const where = file === undefined ? '' : 'WHERE file_path = ?';
    return this.#allValues(
      `SELECT ${phaseColumns}, file_path, status FROM workflow_phases ${where} ORDER BY file_path, position`,
      file === undefined ? [] : [file],
    ).map((row) => ({ ...toPhase(row), filePath: String(row[5]), status: String(row[6]) }));
  }

  fileState(file: string): FileState | undefined {
    const row = this.#first('SELECT file_hash, size, mtime_ms, checked_at_ms, version FROM workflow_files WHERE file_path = ?', [file]);
    return row && toFileState(row);
  }

  /** What is known of every loaded file, by key: one query instead of one per file. */
  fileStates(): Map<string, FileState> {
    const rows = this.#allValues('SELECT file_path, file_hash, size, mtime_ms, checked_at_ms, version FROM workflow_files', []);
    return new Map(
      rows.map((row) => [
        String(row[0]),
        {
          hash: String(row[1]),
          size: row[2] as number | null,
          mtimeMs: row[3] as number | null,
          checkedAtMs: row[4] as number | null,
          version: row[5] as string | null,
        },
      ]),
    );
  }

  /** Every loaded file with its hash and counts, in key order. */
  files(): WorkflowFile[] {
    return this.#allValues(
      `SELECT f.file_path, f.file_hash, f.loaded_at, count(p.task), coalesce(sum(p.status != ''), 0)
       FROM workflow_files f LEFT JOIN workflow_phases p ON p.file_path = f.file_path
       GROUP BY f.file_path ORDER BY f.file_path`,
      [],
    ).map((row) => ({
      file: String(row[0]),
      hash: String(row[1]),
      loadedAt: row[2] === null ? null : String(row[2]),
      phases: Number(row[3]),
      problems: Number(row[4]),
    }));
  }

  failures(): LoadFailure[] {
    return this.#all('SELECT file_path, message, line, "column" FROM workflow_load_errors ORDER BY file_path', []).map(toFailure);
  }

  /** Replaces a file's phases, keeping its previous version in the history; the caller holds the transaction. */
  writeFile(file: string, hash: string, stamp: FileStamp, checkedAtMs: number, phases: readonly CheckedPhase[]): void {
    this.#forgetAnswers();
    this.#keepVersion(file, hash);
    this.#run(
      `INSERT INTO workflow_files (file_path, file_hash, loaded_at, last_modified, size, mtime_ms, checked_at_ms, version)
       VALUES (?, ?, CURRENT_TIMESTAMP, ?, ?, ?, ?, ?)
       ON CONFLICT (file_path) DO UPDATE SET file_hash = excluded.file_hash, loaded_at = excluded.loaded_at,
         last_modified = excluded.last_modified, size = excluded.size, mtime_ms = excluded.mtime_ms,
         checked_at_ms = excluded.checked_at_ms, version = excluded.version`,
      [file, hash, isoTime(stamp.mtimeMs), stamp.size ?? null, stamp.mtimeMs ?? null, checkedAtMs, stamp.version ?? null],
    );
    this.#run('DELETE FROM workflow_phases WHERE file_path = ?', [file]);
    this.#run('DELETE FROM workflow_load_errors WHERE file_path = ?', [file]);
    // Binding a string costs a malloc and a copy into wasm, the most of a bulk load; a value
    // that repeats another column (or is '') is bound as NULL and filled in by SQLite.
    const insert = this.#statement(
      `INSERT INTO workflow_phases (file_path, task, depends_on, rule, template, retry, status,
         written_task, position, topic, job, depends_topic, depends_job)
       VALUES (?1, ?2, coalesce(?3, ''), ?4, ?5, ?6, coalesce(?7, ''), coalesce(?8, ?2), ?9,
         coalesce(?10, ?8, ?2), coalesce(?11, ''), coalesce(?12, ?3, ''), coalesce(?13, ''))`,
    );
    for (const c of phases) {
      const dep = dependency(c.phase.dependsOn);
      const p = c.phase;
      insert.run([
        file, c.key, orNull(p.dependsOn, ''), p.rule, p.template, typeof p.retry === 'bigint' ? String(p.retry) : p.retry, orNull(c.status, ''), orNull(p.task, c.key), c.position,
        orNull(c.topic, p.task), orNull(c.job, ''), orNull(dep.topic, p.dependsOn), orNull(dep.job, ''),
      ]);
    }
  }

  /** Records that an unchanged file was looked at, so its stamp can be trusted next time. */
  touchFile(file: string, stamp: FileStamp, checkedAtMs: number): void {
    this.#run('UPDATE workflow_files SET size = ?, mtime_ms = ?, checked_at_ms = ?, version = ? WHERE file_path = ?', [
      stamp.size ?? null,
      stamp.mtimeMs ?? null,
      checkedAtMs,
      stamp.version ?? null,
      file,
    ]);
  }

  recordFailure(failure: LoadFailure): void {
    this.#run(
      `INSERT INTO workflow_load_errors (file_path, message, line, "column", failed_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)
       ON CONFLICT (file_path) DO UPDATE SET message = excluded.message, line = excluded.line,
         "column" = excluded."column", failed_at = excluded.failed_at`,
      [failure.file, failure.reason, failure.line ?? null, failure.column ?? null],
    );
  }

  /** Forgets a file: its phases, its record and any failure (its last version stays in the history). Reports whether it had been loaded. */
  removeFile(file: string): boolean {
    this.#forgetAnswers();
    const loaded = this.fileState(file) !== undefined;
    if (loaded) this.#keepVersion(file, '');
    this.#run('DELETE FROM workflow_phases WHERE file_path = ?', [file]);
    this.#run('DELETE FROM workflow_files WHERE file_path = ?', [file]);
    this.#run('DELETE FROM workflow_load_errors WHERE file_path = ?', [file]);
    return loaded;
  }

  /** Builds the indexes that are missing; reports whether any was. */
  createIndexes(): boolean {
    if (this.#indexed) return false;
    const count = 'SELECT count(*) FROM sqlite_schema WHERE type = \'index\'';
    const before = this.db.exec(count)[0].values[0][0];
    this.db.exec(indexes);
    this.#indexed = true;
    return this.db.exec(count)[0].values[0][0] !== before;
  }

  /** Runs `work` in one transaction: all of it lands, or none. */
  transaction<T>(work: () => T): T {
    this.db.exec('BEGIN');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Runs `work` inside the current transaction so that a failure undoes only `work`. */
  savepoint<T>(work: () => T): T {
    // Prepared once, as they run for every file of a load: parsing them each time costs more.
    this.#run('SAVEPOINT file', []);
    try {
      const result = work();
      this.#run('RELEASE file', []);
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK TO file; RELEASE file');
      throw error;
    }
  }

  close(): void {
    this.#forgetAnswers();
    for (const statement of this.#statements.values()) statement.free();
    this.#statements.clear();
    this.db.close();
  }

  /** Copies the file's current version into the history, then drops what the retention no longer keeps. */
  #keepVersion(file: string, newHash: string): void {
    this.#run(keepVersionSql, [file, newHash]);
    if (this.db.getRowsModified() === 0) return;
    const { maxVersions, maxAgeDays } = this.#retention;
    if (maxVersions !== Infinity) this.#run(dropOldVersionsSql, [file, maxVersions]);
    // In whole seconds: SQLite reads no exponent in a modifier, and beyond 30,000 years nothing expires.
    const seconds = Math.ceil(maxAgeDays * 86_400);
    if (seconds < 1e12) this.#run(dropExpiredVersionsSql, [`-${seconds} seconds`]);
  }

  #forgetAnswers(): void {
    this.#answers.clear();
    this.#answerBytes = 0;
    this.#reads.clear();
  }

  #statement(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #run(sql: string, params: (string | number | null)[]): void {
    this.#statement(sql).run(params);
  }

  #first(sql: string, params: (string | number)[]): Row | undefined {
    const statement = this.#statement(sql);
    try {
      statement.bind(params);
      return statement.step() ? (statement.getAsObject() as Row) : undefined;
    } finally {
      statement.reset();
    }
  }

  #all(sql: string, params: (string | number)[]): Row[] {
    const statement = this.#statement(sql);
    const rows: Row[] = [];
    try {
      statement.bind(params);
      while (statement.step()) rows.push(statement.getAsObject() as Row);
    } finally {
      statement.reset();
    }
    return rows;
  }

  #allValues(sql: string, params: (string | number)[]): Value[][] {
    const statement = this.#statement(sql);
    const rows: Value[][] = [];
    try {
      statement.bind(params);
      while (statement.step()) rows.push(statement.get() as Value[]);
    } finally {
      statement.reset();
    }
    return rows;
  }

  #firstValues(sql: string, params: (string | number)[]): Value[] | undefined {
    const statement = this.#statement(sql);
    try {
      statement.bind(params);
      return statement.step() ? (statement.get() as Value[]) : undefined;
    } finally {
      statement.reset();
    }
  }
}

/** A phase from a row of {@link phaseColumns}. */
function toPhase(row: Value[]): Phase {
  return {
    task: String(row[0]),
    rule: String(row[1] ?? ''),
    dependsOn: String(row[2] ?? ''),
    retry: typeof row[3] === 'string' ? BigInt(row[3]) : Number(row[3] ?? 0),
    template: String(row[4] ?? ''),
  };
}

/** Rows sorted by the position held in `column`. */
function inFileOrder(rows: Value[][], column: number): Value[][] {
  return rows.sort((a, b) => Number(a[column]) - Number(b[column]));
}

/** A phase from a row of {@link phaseColumns} followed by topic, job, depends_topic, depends_job. */
function toIndexedPhase(row: Value[]): IndexedPhase {
  return { phase: toPhase(row), topic: String(row[5]), job: String(row[6]), dependsTopic: String(row[7]), dependsJob: String(row[8]) };
}

/** `null` when `value` is `same`: see {@link WorkflowStore.writeFile}. */
function orNull(value: string, same: string): string | null {
  return value === same ? null : value;
}

function toFileState(row: Row): FileState {
  return {
    hash: String(row.file_hash),
    size: row.size as number | null,
    mtimeMs: row.mtime_ms as number | null,
    checkedAtMs: row.checked_at_ms as number | null,
    version: row.version as string | null,
  };
}

function toFailure(row: Row): LoadFailure {
  return {
    file: String(row.file_path),
    reason: String(row.message),
    ...(row.line === null ? {} : { line: Number(row.line) }),
    ...(row.column === null ? {} : { column: Number(row.column) }),
  };
}

function isoTime(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}
