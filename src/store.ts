import { AnswerMemo } from './answer-memo.js';
import type { CheckedPhase } from './check-phases.js';
import type { EncodedRows } from './db/encoded-rows.js';
import type { Database, SqlValue } from './db/engine.js';
import { runReadOnly } from './db/read-only.js';
import { WorkflowTables, type FileState, type FileStamp, type StoredPhase, type WorkflowFile } from './db/workflow-tables.js';
import type { LoadFailure } from './errors.js';
import { defaultRetention, readHistory, type HistoryRetention, type WorkflowVersion } from './history.js';
import type { Phase, PhaseRecord } from './phase.js';
import type { Problem } from './problem.js';
import { DEFAULT_LOOKUP_MEMORY, ReadCache } from './read-cache.js';
import type { DatabaseCounts } from './stats.js';

/**
 * What the cache keeps: the tables, with the two memories in front of them: answers by a
 * caller's key, dropped at every write, and the phases of files asked about, each file dropped
 * before it is written or removed. Synchronous, like SQLite itself.
 */
export class WorkflowStore {
  readonly #db: Database;
  readonly #tables: WorkflowTables;
  readonly #answers = new AnswerMemo();
  readonly #reads: ReadCache;
  #version = 0;

  /**
   * @param retention how much history writes keep
   * @param lookupMemory bytes of phases lookups hold in memory (see `OpenOptions.lookupMemory`)
   */
  constructor(db: Database, retention: Required<HistoryRetention> = defaultRetention, lookupMemory = DEFAULT_LOOKUP_MEMORY) {
    this.#db = db;
    this.#tables = new WorkflowTables(db, retention);
    this.#reads = new ReadCache((key) => this.#tables.filePhases(key), lookupMemory);
  }

  /** The first phase of file `key` with this topic (and job, when not `''`), in file order, as a new object. */
  phaseInFile(key: string, topic: string, job: string): Phase | undefined {
    const held = this.#reads.file(key);
    if (held) return held.first(topic, job);
    return this.#tables.phaseInFile(key, topic, job);
  }

  /** The first phase of any file with this topic (and job), files in key order. */
  phaseInAnyFile(topic: string, job: string): { path: string; phase: Phase } | undefined {
    return this.#tables.phaseInAnyFile(topic, job);
  }

  /** Phases of file `key` that run after `topic` (any job, or `job` when they name one). */
  children(key: string, topic: string, job: string): Phase[] {
    const held = this.#reads.file(key);
    if (held) return held.children(topic, job);
    return this.#tables.children(key, topic, job);
  }

  /** Changes at every write (and at close): what a caller remembers from reads holds while it stays the same. */
  get version(): number {
    return this.#version;
  }

  /** A lookup's answer remembered under `answerKey` since the last write, if any. */
  answer(answerKey: string): Phase | undefined {
    return this.#answers.get(answerKey);
  }

  /** Remembers a lookup's answer until the next write (not under a huge key); the caller must not change `phase` after. */
  remember(answerKey: string, phase: Phase): void {
    this.#answers.remember(answerKey, phase);
  }

  /** Every phase with its file and status, files in key order, phases in file order. */
  phases(key?: string): PhaseRecord[] {
    return this.#tables.phases(key);
  }

  fileState(key: string): FileState | undefined {
    return this.#tables.fileState(key);
  }

  /** What is known of every loaded file, by key. */
  fileStates(): Map<string, FileState> {
    return this.#tables.fileStates();
  }

  /** Every loaded file with its hash and counts, in key order. */
  files(): WorkflowFile[] {
    return this.#tables.files();
  }

  failures(): LoadFailure[] {
    return this.#tables.failures();
  }

  /** Every version of a file, oldest first, the current one last. */
  history(key: string): WorkflowVersion[] {
    return readHistory(this.#tables.history, key);
  }

  /** Keys of every file {@link history} knows, in key order. */
  filesWithHistory(): string[] {
    return this.#tables.history.files();
  }

  /** Counts of what the database holds, and its size. */
  counts(): DatabaseCounts {
    return this.#tables.counts();
  }

  /** Runs one read-only statement of a caller's; see `WorkflowCache.query`. */
  query(sql: string, params: readonly unknown[]): Record<string, unknown>[] {
    return runReadOnly(this.#db, sql, params);
  }

  /** The database as a SQLite file image. */
  export(): Uint8Array {
    return this.#db.export();
  }

  /** Replaces a file's phases, keeping its previous version in the history; the caller holds the transaction. Returns the file's state as written. */
  writeFile(key: string, hash: string, stamp: FileStamp, checkedAtMs: number, phases: readonly CheckedPhase[]): FileState {
    this.#forget(key);
    return this.#tables.writeFile(key, hash, stamp, checkedAtMs, phases);
  }

  /** Inserts files the store holds nothing of, with their rows; see `WorkflowTables.insertNewFiles`. */
  insertNewFiles(files: readonly (readonly SqlValue[])[], phaseRows: readonly EncodedRows[], checkedAtMs: number): void {
    // New files only, of a first load: whatever was held (a file asked about before it existed) goes.
    this.#forget();
    this.#tables.insertNewFiles(files, phaseRows, checkedAtMs);
  }

  /** Every stored phase with what the checks last found, files in key order, phases in file order. */
  storedPhases(): StoredPhase[] {
    return this.#tables.storedPhases();
  }

  /** Replaces a phase's status and problems, nothing else: no history is kept of a recheck. */
  setProblems(file: string, task: string, status: string, problems: readonly Problem[]): void {
    this.#version++;
    this.#tables.setProblems(file, task, status, problems);
  }

  /** The version of the checks that gave the stored problems; `undefined` when none is recorded. */
  checksVersion(): number | undefined {
    return this.#tables.checksVersion();
  }

  setChecksVersion(version: number): void {
    this.#version++;
    this.#tables.setChecksVersion(version);
  }

  /** Records that an unchanged file was looked at, so its stamp can be trusted next time. */
  touchFile(key: string, stamp: FileStamp, checkedAtMs: number): void {
    this.#version++;
    this.#tables.touchFile(key, stamp, checkedAtMs);
  }

  recordFailure(failure: LoadFailure): void {
    this.#version++;
    this.#tables.recordFailure(failure);
  }

  /** Forgets a file: its phases, its record and any failure (its last version stays in the history). Reports whether it had been loaded. */
  removeFile(key: string): boolean {
    this.#forget(key);
    return this.#tables.removeFile(key);
  }

  /** Rows this connection has changed since it opened: a copy of the tables is still right while this has not moved. */
  changeCount(): number {
    return this.#tables.changeCount();
  }

  /** Builds the indexes that are missing; reports whether any was. */
  createIndexes(): boolean {
    return this.#tables.createIndexes();
  }

  /** Runs `work` in one transaction: all of it lands, or none. */
  transaction<T>(work: () => T): T {
    return this.#tables.transaction(work);
  }

  /** Runs `work` inside the current transaction so that a failure undoes only `work`. */
  savepoint<T>(work: () => T): T {
    return this.#tables.savepoint(work);
  }

  close(): void {
    this.#forget();
    this.#tables.close();
  }

  /**
   * Before a write of file `key`: its held phases go (every file's, without a key), and every
   * remembered answer, since any may have come from it (a `workflow=*` answer from another file
   * may now come from this one).
   */
  #forget(key?: string): void {
    this.#version++;
    this.#answers.clear();
    if (key === undefined) this.#reads.clear();
    else this.#reads.forget(key);
  }
}
