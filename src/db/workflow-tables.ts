import type { CheckedPhase, KeptPhase } from '../check-phases.js';
import { DatabaseContentError, type LoadFailure } from '../errors.js';
import type { HistoryRetention } from '../history.js';
import type { Phase, PhaseRecord } from '../phase.js';
import type { Problem } from '../problem.js';
import { pack, type FileRead, type IndexedPhase } from '../read-cache.js';
import type { DatabaseCounts } from '../stats.js';
import type { EncodedRows } from './encoded-rows.js';
import type { Database, SqlValue } from './engine.js';
import { HistoryTable } from './history-table.js';
import { insertNewFile, insertPhase, isoTime, phaseRow, problemsJson, storedForm } from './new-file-rows.js';
import { AFTER_PHASE, phaseColumns, toPhase } from './phase-row.js';
import { indexes } from './schema.js';
import { StatementCache } from './statement-cache.js';

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
  // Row by row: a JSON text of the file built by SQLite and parsed (json_group_array) cost more,
  // 36 µs a file of ten phases against 32 µs. A value equal to one already there comes as null
  // (filled in by toIndexedPhase()): fewer strings to decode.
  wholeFile: `SELECT ${phaseColumns}, position, nullif(topic, written_task), nullif(job, ''),
    nullif(depends_topic, depends_on), nullif(depends_job, '') FROM workflow_phases WHERE file_path = ?`,
  phases: `SELECT ${phaseColumns}, file_path, status, problems FROM workflow_phases ORDER BY file_path, position`,
  phasesOfFile: `SELECT ${phaseColumns}, file_path, status, problems FROM workflow_phases WHERE file_path = ? ORDER BY file_path, position`,
};

/**
 * A file's phase rows as one JSON value, each as {@link storedForm} orders a row: every column
 * but the file's, as stored.
 */
const storedPhaseRows = `SELECT json_group_array(json_array(task, depends_on, rule, template, retry, status, written_task, position,
    topic, job, depends_topic, depends_job, line, problems)) FROM workflow_phases WHERE file_path = ?`;

/** A stored phase as the checks see it again, with what they last found. */
export interface StoredPhase extends Omit<KeptPhase, 'problems'> {
  file: string;
  status: string;
  /** `undefined` when the row has none stored: written before problems were kept. */
  problems: Problem[] | undefined;
}

const countIndexes = "SELECT count(*) FROM sqlite_schema WHERE type = 'index'";

/**
 * The cache's tables, read and written through statements prepared once. Rows are read here
 * and only here, by their columns' positions; what leaves is typed objects.
 */
export class WorkflowTables {
  readonly #db: Database;
  readonly #statements: StatementCache;
  /** Set once the indexes are known to exist: checking costs queries at every refresh. */
  #indexed = false;
  /** Earlier versions of the files, kept as {@link writeFile} and {@link removeFile} replace them. */
  readonly history: HistoryTable;

  /** @param retention how much history writes keep */
  constructor(db: Database, retention: Required<HistoryRetention>) {
    this.#db = db;
    this.#statements = new StatementCache(db);
    this.history = new HistoryTable(db, this.#statements, retention);
  }

  /** The first phase of `file` with this topic (and job, when not `''`), in file order. */
  phaseInFile(file: string, topic: string, job: string): Phase | undefined {
    const row = job === ''
      ? this.#statements.first(lookups.inFile, [topic, file])
      : this.#statements.first(lookups.inFileWithJob, [topic, job, file]);
    return row && toPhase(row);
  }

  /** The first phase of any file with this topic (and job), files in key order. */
  phaseInAnyFile(topic: string, job: string): { path: string; phase: Phase } | undefined {
    const row = job === ''
      ? this.#statements.first(lookups.inAnyFile, [topic])
      : this.#statements.first(lookups.inAnyFileWithJob, [topic, job]);
    return row && { path: String(row[AFTER_PHASE]), phase: toPhase(row) };
  }

  /** Phases of `file` that run after `topic` (any job, or `job` when they name one), in file order. */
  children(file: string, topic: string, job: string): Phase[] {
    return inFileOrder(this.#statements.all(lookups.children, [file, topic, job]), AFTER_PHASE).map(toPhase);
  }

  /** Every phase of `file` with the values lookups match it by, in file order, read in one step and packed. */
  filePhases(file: string): FileRead {
    return pack(inFileOrder(this.#statements.all(lookups.wholeFile, [file]), AFTER_PHASE).map(toIndexedPhase));
  }

  /** Every phase with its file and status, or those of one file; files in key order, phases in file order. */
  phases(file?: string): PhaseRecord[] {
    const rows = file === undefined ? this.#statements.all(lookups.phases) : this.#statements.all(lookups.phasesOfFile, [file]);
    return rows.map((row) => {
      const record: PhaseRecord = { ...toPhase(row), filePath: String(row[AFTER_PHASE]), status: String(row[AFTER_PHASE + 1]) };
      if (row[AFTER_PHASE + 2] !== null) record.problems = storedProblems(record.filePath, record.task, row[AFTER_PHASE + 2]);
      return record;
    });
  }

  /** Every stored phase with what the checks last found, files in key order, phases in file order. */
  storedPhases(): StoredPhase[] {
    return this.#statements.all(
      `SELECT ${phaseColumns}, file_path, task, topic, job, position, line, status, problems FROM workflow_phases ORDER BY file_path, position`,
    ).map((row) => ({
      phase: toPhase(row),
      file: String(row[AFTER_PHASE]),
      key: String(row[AFTER_PHASE + 1]),
      topic: String(row[AFTER_PHASE + 2]),
      job: String(row[AFTER_PHASE + 3]),
      position: Number(row[AFTER_PHASE + 4]),
      line: row[AFTER_PHASE + 5] === null ? undefined : Number(row[AFTER_PHASE + 5]),
      status: String(row[AFTER_PHASE + 6] ?? ''),
      // What does not read back is checked anew all the same: the recheck rewrites it.
      problems: row[AFTER_PHASE + 7] === null ? undefined : readableProblems(String(row[AFTER_PHASE]), String(row[0]), row[AFTER_PHASE + 7]),
    }));
  }

  /** Replaces a phase's status and problems, nothing else: no history is kept of a recheck. */
  setProblems(file: string, task: string, status: string, problems: readonly Problem[]): void {
    this.#statements.run('UPDATE workflow_phases SET status = ?, problems = ? WHERE file_path = ? AND task = ?', [
      status,
      problemsJson(problems),
      file,
      task,
    ]);
  }

  /** The version of the checks that gave the stored problems; `undefined` when none is recorded. */
  checksVersion(): number | undefined {
    const row = this.#statements.first("SELECT value FROM workflow_meta WHERE key = 'checks_version'");
    return row && Number(row[0]);
  }

  setChecksVersion(version: number): void {
    this.#statements.run(
      "INSERT INTO workflow_meta (key, value) VALUES ('checks_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      [String(version)],
    );
  }

  fileState(file: string): FileState | undefined {
    const row = this.#statements.first('SELECT file_hash, size, mtime_ms, checked_at_ms, version FROM workflow_files WHERE file_path = ?', [file]);
    return row && toFileState(row);
  }

  /** What is known of every loaded file, by key: one query instead of one per file. */
  fileStates(): Map<string, FileState> {
    const rows = this.#statements.all('SELECT file_path, file_hash, size, mtime_ms, checked_at_ms, version FROM workflow_files');
    return new Map(rows.map((row) => [String(row[0]), toFileState(row.slice(1))]));
  }

  /** Every loaded file with its hash and counts, in key order. */
  files(): WorkflowFile[] {
    return this.#statements.all(
      `SELECT f.file_path, f.file_hash, f.loaded_at, count(p.task), coalesce(sum(p.status != ''), 0)
       FROM workflow_files f LEFT JOIN workflow_phases p ON p.file_path = f.file_path
       GROUP BY f.file_path ORDER BY f.file_path`,
    ).map((row) => ({
      file: String(row[0]),
      hash: String(row[1]),
      loadedAt: row[2] === null ? null : String(row[2]),
      phases: Number(row[3]),
      problems: Number(row[4]),
    }));
  }

  failures(): LoadFailure[] {
    return this.#statements.all('SELECT file_path, message, line, "column" FROM workflow_load_errors ORDER BY file_path').map((row) => ({
      file: String(row[0]),
      reason: String(row[1]),
      ...(row[2] === null ? {} : { line: Number(row[2]) }),
      ...(row[3] === null ? {} : { column: Number(row[3]) }),
    }));
  }

  /**
   * Replaces a file's phases, keeping its previous version in the history; the caller holds the
   * transaction. Only the phases that differ from the stored ones are deleted and inserted: each
   * costs a row in six b-trees and the pages the commit copies, and an edit that leaves the
   * phases as they were (a comment, a blank line) then writes none. Returns the file's state as written.
   */
  writeFile(file: string, hash: string, stamp: FileStamp, checkedAtMs: number, phases: readonly CheckedPhase[]): FileState {
    this.history.keepVersion(file, hash);
    this.#statements.run(
      `INSERT INTO workflow_files (file_path, file_hash, loaded_at, last_modified, size, mtime_ms, checked_at_ms, version)
       VALUES (?, ?, CURRENT_TIMESTAMP, ?, ?, ?, ?, ?)
       ON CONFLICT (file_path) DO UPDATE SET file_hash = excluded.file_hash, loaded_at = excluded.loaded_at,
         last_modified = excluded.last_modified, size = excluded.size, mtime_ms = excluded.mtime_ms,
         checked_at_ms = excluded.checked_at_ms, version = excluded.version`,
      [file, hash, isoTime(stamp.mtimeMs), stamp.size ?? null, stamp.mtimeMs ?? null, checkedAtMs, stamp.version ?? null],
    );
    this.#statements.run('DELETE FROM workflow_load_errors WHERE file_path = ?', [file]);
    this.#replacePhases(file, phases.map((c) => phaseRow(file, c)));
    return fileStateOf(hash, stamp, checkedAtMs);
  }

  /** Makes the stored phases of `file` these rows (from `phaseRow`), deleting and inserting only those that differ. */
  #replacePhases(file: string, rows: SqlValue[][]): void {
    const stored = this.#storedRows(file);
    const fresh: SqlValue[][] = [];
    const kept = new Set<string>();
    for (const row of rows) {
      if (sameRow(stored?.get(String(row[1])), row)) kept.add(String(row[1]));
      else fresh.push(row);
    }
    if (stored === undefined || kept.size === 0) {
      if (stored?.size !== 0) this.#statements.run('DELETE FROM workflow_phases WHERE file_path = ?', [file]);
    } else {
      if (fresh.length === 0 && kept.size === stored.size) return;
      for (const task of stored.keys()) if (!kept.has(task)) this.#statements.run('DELETE FROM workflow_phases WHERE file_path = ? AND task = ?', [file, task]);
    }
    this.#statements.get(insertPhase).runMany(fresh);
  }

  /**
   * The stored phase rows of `file` by task, as {@link storedForm} gives them, read as one JSON
   * value (cheaper than a row each); `undefined` when they cannot be (a value JSON cannot hold,
   * written outside the cache): then they are all replaced.
   */
  #storedRows(file: string): Map<string, SqlValue[]> | undefined {
    let text: string;
    try {
      text = String(this.#statements.first(storedPhaseRows, [file])![0]);
    } catch {
      return undefined;
    }
    return new Map((JSON.parse(text) as SqlValue[][]).map((row) => [String(row[0]), row]));
  }

  /**
   * Inserts files the tables do not hold in any form (no phases, record or failure, so no
   * history either and nothing to delete), bound in bulk; the caller holds the transaction.
   * @param files rows from `newFileRow`, one per file
   * @param phaseRows each file's phases, rows from `phaseRow` encoded
   */
  insertNewFiles(files: readonly (readonly SqlValue[])[], phaseRows: readonly EncodedRows[], checkedAtMs: number): void {
    this.#statements.get(insertNewFile).runMany(files.map((f) => [...f, checkedAtMs]));
    const insert = this.#statements.get(insertPhase);
    for (const rows of phaseRows) insert.runEncoded(rows);
  }

  /** Records that an unchanged file was looked at, so its stamp can be trusted next time. */
  touchFile(file: string, stamp: FileStamp, checkedAtMs: number): void {
    this.#statements.run('UPDATE workflow_files SET size = ?, mtime_ms = ?, checked_at_ms = ?, version = ? WHERE file_path = ?', [
      stamp.size ?? null,
      stamp.mtimeMs ?? null,
      checkedAtMs,
      stamp.version ?? null,
      file,
    ]);
  }

  recordFailure(failure: LoadFailure): void {
    this.#statements.run(
      `INSERT INTO workflow_load_errors (file_path, message, line, "column", failed_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)
       ON CONFLICT (file_path) DO UPDATE SET message = excluded.message, line = excluded.line,
         "column" = excluded."column", failed_at = excluded.failed_at`,
      [failure.file, failure.reason, failure.line ?? null, failure.column ?? null],
    );
  }

  /** Forgets a file: its phases, its record and any failure (its last version stays in the history). Reports whether it had been loaded. */
  removeFile(file: string): boolean {
    const loaded = this.fileState(file) !== undefined;
    if (loaded) this.history.keepVersion(file, '');
    this.#statements.run('DELETE FROM workflow_phases WHERE file_path = ?', [file]);
    this.#statements.run('DELETE FROM workflow_files WHERE file_path = ?', [file]);
    this.#statements.run('DELETE FROM workflow_load_errors WHERE file_path = ?', [file]);
    return loaded;
  }

  /** Counts what the database holds, and its size. */
  counts(): DatabaseCounts {
    const row = this.#statements.first(`SELECT
      (SELECT count(*) FROM workflow_files),
      (SELECT count(*) FROM workflow_phases),
      (SELECT count(*) FROM workflow_phases WHERE status != ''),
      (SELECT count(*) FROM workflow_load_errors),
      (SELECT count(*) FROM workflow_history),
      (SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size())`)!;
    const [files, phases, problems, failedFiles, historyVersions, databaseBytes] = row.map(Number);
    return { files, phases, problems, failedFiles, historyVersions, databaseBytes };
  }

  /** Rows this connection has changed since it opened (SQLite's `total_changes()`). */
  changeCount(): number {
    return Number(this.#statements.first('SELECT total_changes()')![0]);
  }

  /** Builds the indexes that are missing; reports whether any was. */
  createIndexes(): boolean {
    if (this.#indexed) return false;
    const before = this.#statements.first(countIndexes)![0];
    this.#db.exec(indexes);
    this.#indexed = true;
    return this.#statements.first(countIndexes)![0] !== before;
  }

  /** Runs `work` in one transaction: all of it lands, or none. */
  transaction<T>(work: () => T): T {
    // Prepared once, as savepoint()'s are: a refresh of one file runs little else.
    this.#statements.run('BEGIN');
    try {
      const result = work();
      this.#statements.run('COMMIT');
      return result;
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Runs `work` inside the current transaction so that a failure undoes only `work`. */
  savepoint<T>(work: () => T): T {
    // Prepared once, as they run for every file of a load: parsing them each time costs more.
    this.#statements.run('SAVEPOINT file');
    try {
      const result = work();
      this.#statements.run('RELEASE file');
      return result;
    } catch (error) {
      this.#db.exec('ROLLBACK TO file; RELEASE file');
      throw error;
    }
  }

  /** Frees the statements and closes the connection. */
  close(): void {
    this.#statements.free();
    this.#db.close();
  }

}

/** Rows sorted by the position held in `column`. */
function inFileOrder(rows: SqlValue[][], column: number): SqlValue[][] {
  return rows.sort((a, b) => Number(a[column]) - Number(b[column]));
}

/** A phase from a row of {@link lookups}.wholeFile, for pack() (not held): {@link phaseColumns}, position, then topic, job and the dependency's, `null` when implied. */
function toIndexedPhase(row: SqlValue[]): IndexedPhase {
  const phase = toPhase(row);
  return {
    ...phase,
    topic: row[6] === null ? phase.task : String(row[6]),
    job: String(row[7] ?? ''),
    dependsTopic: row[8] === null ? phase.dependsOn : String(row[8]),
    dependsJob: String(row[9] ?? ''),
  };
}

/**
 * Whether a stored row (from {@link storedPhaseRows}) holds what inserting `row` would store.
 * A retry past a safe integer is never taken as equal: JSON reads it back rounded.
 */
function sameRow(stored: SqlValue[] | undefined, row: SqlValue[]): boolean {
  if (stored === undefined || !(typeof row[5] === 'number' && Number.isSafeInteger(row[5]))) return false;
  const values = storedForm(row);
  return values.length === stored.length && values.every((value, i) => value === stored[i]);
}

/** The state a write of these values leaves a file in, as {@link WorkflowTables.fileState} reads it back. */
export function fileStateOf(hash: string, stamp: FileStamp, checkedAtMs: number): FileState {
  return { hash, size: stamp.size ?? null, mtimeMs: stamp.mtimeMs ?? null, checkedAtMs, version: stamp.version ?? null };
}

/** A file state from a row of file_hash, size, mtime_ms, checked_at_ms, version. */
function toFileState(row: SqlValue[]): FileState {
  return {
    hash: String(row[0]),
    size: row[1] as number | null,
    mtimeMs: row[2] as number | null,
    checkedAtMs: row[3] as number | null,
    version: row[4] as string | null,
  };
}

/**
 * A phase's problems as stored.
 * @throws {DatabaseContentError} when the stored text is not a list of problems in JSON
 */
function storedProblems(file: string, task: string, stored: SqlValue): Problem[] {
  let problems: unknown;
  let cause: unknown;
  try {
    problems = JSON.parse(String(stored));
  } catch (error) {
    cause = error;
  }
  if (!Array.isArray(problems) || !problems.every(isProblem)) {
    // The parser's message quotes the stored text: it stays in `cause`, out of the message.
    throw new DatabaseContentError(
      file,
      `${file} holds the problems of phase ${JSON.stringify(task)} as something other than a list of problems in JSON; ` +
        'the database was changed outside workflow-cache or is damaged',
      cause === undefined ? undefined : { cause },
    );
  }
  return problems;
}

function readableProblems(file: string, task: string, stored: SqlValue): Problem[] | undefined {
  try {
    return storedProblems(file, task, stored);
  } catch (error) {
    if (error instanceof DatabaseContentError) return undefined;
    throw error;
  }
}

function isProblem(p: unknown): p is Problem {
  if (typeof p !== 'object' || p === null) return false;
  const { code, severity, message, line } = p as Record<string, unknown>;
  return typeof code === 'string' && (severity === 'error' || severity === 'warning') && typeof message === 'string' && (line === undefined || Number.isInteger(line));
}
