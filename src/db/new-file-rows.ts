import type { CheckedPhase } from '../check-phases.js';
import { dependency } from '../phase.js';
import type { Problem } from '../problem.js';
import type { SqlValue } from './engine.js';

/**
 * Inserts one phase, bound as {@link phaseRow} gives it. Binding a string costs a malloc and a
 * copy into wasm, the most of a bulk load; a value that repeats another column (or is '') is
 * bound as NULL and filled in by SQLite.
 */
export const insertPhase = `INSERT INTO workflow_phases (file_path, task, depends_on, rule, template, retry, status,
    written_task, position, topic, job, depends_topic, depends_job, line, problems)
  VALUES (?1, ?2, coalesce(?3, ''), ?4, ?5, ?6, coalesce(?7, ''), coalesce(?8, ?2), ?9,
    coalesce(?10, ?8, ?2), coalesce(?11, ''), coalesce(?12, ?3, ''), coalesce(?13, ''), ?14, ?15)`;

/** Inserts a file no row names yet, bound as {@link newFileRow} gives it, checked at `?7`. */
export const insertNewFile = `INSERT INTO workflow_files (file_path, file_hash, loaded_at, last_modified, size, mtime_ms, checked_at_ms, version)
  VALUES (?1, ?2, CURRENT_TIMESTAMP, ?3, ?4, ?5, ?7, ?6)`;

/** Size and modification time of a file as a source reports them, when it can. */
export interface NewFileStamp {
  size?: number;
  mtimeMs?: number;
  version?: string;
}

/** Values a row of {@link insertPhase} binds. */
export const PHASE_WIDTH = 15;

/** A phase's values for {@link insertPhase}: plain data, so a worker can make them. */
export function phaseRow(file: string, c: CheckedPhase): SqlValue[] {
  const row: SqlValue[] = [];
  putPhaseRow(file, c, (v) => void row.push(v));
  return row;
}

/** A phase's values for {@link insertPhase}, put one by one (into a `RowsEncoder`, making no array). */
export function putPhaseRow(file: string, c: CheckedPhase, put: (value: SqlValue) => void): void {
  const p = c.phase;
  const dep = dependency(p.dependsOn);
  put(file);
  put(c.key);
  put(orNull(p.dependsOn, ''));
  put(p.rule);
  put(p.template);
  put(typeof p.retry === 'bigint' ? String(p.retry) : p.retry);
  put(orNull(c.status, ''));
  put(orNull(p.task, c.key));
  put(c.position);
  put(orNull(c.topic, p.task));
  put(orNull(c.job, ''));
  put(orNull(dep.topic, p.dependsOn));
  put(orNull(dep.job, ''));
  put(c.line ?? null);
  put(problemsJson(c.problems));
}

/**
 * What {@link insertPhase} stores of a {@link phaseRow}, every column but the file's, in table
 * order: the values bound as NULL filled in as its `coalesce` calls fill them.
 */
export function storedForm(row: readonly SqlValue[]): SqlValue[] {
  const [, task, dependsOn, rule, template, retry, status, written, position, topic, job, dependsTopic, dependsJob, line, problems] = row;
  const writtenTask = written ?? task;
  return [task, dependsOn ?? '', rule, template, retry, status ?? '', writtenTask, position, topic ?? writtenTask, job ?? '', dependsTopic ?? dependsOn ?? '', dependsJob ?? '', line, problems];
}

/** A file's values for {@link insertNewFile}, but for the time it was checked. */
export function newFileRow(file: string, hash: string, stamp: NewFileStamp): SqlValue[] {
  return [file, hash, isoTime(stamp.mtimeMs), stamp.size ?? null, stamp.mtimeMs ?? null, stamp.version ?? null];
}

/** The `problems` column: JSON, `NULL` when there are none (most phases: nothing to bind). */
export function problemsJson(problems: readonly Problem[]): string | null {
  return problems.length === 0 ? null : JSON.stringify(problems);
}

/** A time as SQLite's `CURRENT_TIMESTAMP` writes one (UTC, whole seconds), `null` for none. */
export function isoTime(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}

/** `null` when `value` is `same`: see {@link insertPhase}. */
function orNull(value: string, same: string): string | null {
  return value === same ? null : value;
}
