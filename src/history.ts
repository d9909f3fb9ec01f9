import { DatabaseContentError } from './errors.js';
import type { Phase } from './phase.js';
import type { Database } from './sqljs.js';

/** A phase as one version of its file held it, with the problems found in it then. */
export interface VersionPhase extends Phase {
  status: string;
}

/** One version of a workflow file: the current one, or one kept when it was replaced or removed. */
export interface WorkflowVersion {
  /** 1 for the oldest version kept, counting up; the current version comes last. */
  version: number;
  file: string;
  /** md5 of the file as it was. */
  hash: string;
  /** When this version was loaded (UTC, `YYYY-MM-DD HH:MM:SS`). */
  loadedAt: string | null;
  /** When a newer version replaced it or the file went away; `null` for the current version. */
  replacedAt: string | null;
  phases: VersionPhase[];
}

/**
 * Copies a file's current version into `workflow_history`: nothing when the file was never
 * loaded, or when the new version has the same hash (a file reloaded after a failed load).
 * Run before its phases are replaced or removed; parameters: the file key, the new hash (`''`
 * for a removal).
 */
export const keepVersionSql = `
  INSERT INTO workflow_history (file_path, file_hash, loaded_at, phases)
  SELECT f.file_path, f.file_hash, f.loaded_at,
    (SELECT json_group_array(json_object('task', written_task, 'rule', rule, 'dependsOn', depends_on,
        'retry', retry, 'template', template, 'status', status) ORDER BY position)
     FROM workflow_phases WHERE file_path = f.file_path)
  FROM workflow_files f WHERE f.file_path = ? AND f.file_hash != ?`;

/** How much of each file's past the history keeps: without a bound, every edit adds a row forever. */
export interface HistoryRetention {
  /** Earlier versions kept per file, the newest ones (the current version is not counted). Default 100; 0 keeps none; `Infinity` keeps all. */
  maxVersions?: number;
  /** Earlier versions replaced more than this many days ago are dropped, of every file (removed files too). Default 365; `Infinity` keeps them. */
  maxAgeDays?: number;
}

export const defaultRetention: Readonly<Required<HistoryRetention>> = { maxVersions: 100, maxAgeDays: 365 };

/**
 * The retention asked for, with defaults filled in.
 * @throws {TypeError} when a value is not a number of versions (a whole number, 0 or more) or of days (above 0)
 */
export function historyRetention(options: HistoryRetention | undefined): Required<HistoryRetention> {
  if (options === undefined) return { ...defaultRetention };
  if (typeof options !== 'object' || options === null) throw new TypeError('the "history" option must be an object such as { maxVersions: 100, maxAgeDays: 365 }');
  for (const name of Object.keys(options)) {
    if (!(name in defaultRetention)) throw new TypeError(`unknown history option "${name}"; expected maxVersions, maxAgeDays`);
  }
  const { maxVersions = defaultRetention.maxVersions, maxAgeDays = defaultRetention.maxAgeDays } = options;
  if (typeof maxVersions !== 'number' || !(maxVersions === Infinity || (Number.isInteger(maxVersions) && maxVersions >= 0))) {
    throw new TypeError(`history.maxVersions must be a whole number of versions (0 or more) or Infinity, got ${String(maxVersions)}`);
  }
  if (typeof maxAgeDays !== 'number' || !(maxAgeDays > 0)) {
    throw new TypeError(`history.maxAgeDays must be a number of days above 0 or Infinity, got ${String(maxAgeDays)}`);
  }
  return { maxVersions, maxAgeDays };
}

/**
 * Drops a file's earlier versions beyond the newest `?2`. Parameters: the file key, the number
 * kept. Through the (file_path, id) index: the cost of a file's own versions, not of the table.
 */
export const dropOldVersionsSql = `
  DELETE FROM workflow_history WHERE file_path = ?1 AND id <= (
    SELECT id FROM workflow_history WHERE file_path = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)`;

/**
 * Drops every earlier version replaced before `datetime('now', ?1)` (`?1` such as `-86400 seconds`).
 * Ids grow in the order versions were replaced, so the versions to drop come first in the table
 * and the scan stops at the first one kept: nearly free when nothing has expired.
 */
export const dropExpiredVersionsSql = `
  DELETE FROM workflow_history WHERE id < coalesce(
    (SELECT id FROM workflow_history WHERE replaced_at >= datetime('now', ?1) ORDER BY id LIMIT 1),
    (SELECT max(id) + 1 FROM workflow_history))`;

/**
 * Every version of a file the database knows, oldest first: those kept in `workflow_history`,
 * then the current one when the file is still loaded. `[]` for a file never loaded.
 * @internal
 */
export function readHistory(db: Database, file: string): WorkflowVersion[] {
  const versions: Omit<WorkflowVersion, 'version'>[] = rows(
    db,
    'SELECT file_hash, loaded_at, replaced_at, phases FROM workflow_history WHERE file_path = ? ORDER BY id',
    file,
  ).map((row, i) => ({
    file,
    hash: String(row.file_hash),
    loadedAt: row.loaded_at === null ? null : String(row.loaded_at),
    replacedAt: String(row.replaced_at),
    phases: storedPhases(file, i + 1, row.phases),
  }));
  const [current] = rows(db, 'SELECT file_hash, loaded_at FROM workflow_files WHERE file_path = ?', file);
  if (current) {
    const phases = rows(
      db,
      'SELECT written_task AS task, rule, depends_on AS dependsOn, retry, template, status FROM workflow_phases WHERE file_path = ? ORDER BY position',
      file,
    );
    versions.push({
      file,
      hash: String(current.file_hash),
      loadedAt: current.loaded_at === null ? null : String(current.loaded_at),
      replacedAt: null,
      phases: phases.map(toVersionPhase),
    });
  }
  return versions.map((v, i) => ({ version: i + 1, ...v }));
}

/** Rows of one of our own fixed queries: no need for the guards `query()` puts on users' SQL. */
function rows(db: Database, sql: string, file: string): Record<string, unknown>[] {
  const statement = db.prepare(sql);
  try {
    statement.bind([file]);
    const out: Record<string, unknown>[] = [];
    while (statement.step()) out.push(statement.getAsObject());
    return out;
  } finally {
    statement.free();
  }
}

/**
 * The phases of a version as `keepVersionSql` stored them: a JSON list of objects.
 * @throws {DatabaseContentError} when the stored text is anything else
 */
function storedPhases(file: string, version: number, stored: unknown): VersionPhase[] {
  let phases: unknown;
  let cause: unknown;
  try {
    phases = JSON.parse(String(stored));
  } catch (error) {
    cause = error;
  }
  if (!Array.isArray(phases) || !phases.every((p) => typeof p === 'object' && p !== null && !Array.isArray(p))) {
    // The parser's message quotes the stored text: it stays in `cause`, out of the message.
    throw new DatabaseContentError(
      file,
      `the history of ${file} holds version ${version} as something other than a list of phases in JSON; ` +
        'the database was changed outside workflow-cache or is damaged',
      cause === undefined ? undefined : { cause },
    );
  }
  return (phases as Record<string, unknown>[]).map(toVersionPhase);
}

function toVersionPhase(p: Record<string, unknown>): VersionPhase {
  return {
    task: String(p.task ?? ''),
    rule: String(p.rule ?? ''),
    dependsOn: String(p.dependsOn ?? ''),
    retry: Number(p.retry ?? 0),
    template: String(p.template ?? ''),
    status: String(p.status ?? ''),
  };
}
