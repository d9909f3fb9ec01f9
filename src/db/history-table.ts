import type { HistoryRetention } from '../history.js';
import type { Phase } from '../phase.js';
import type { Database } from './engine.js';
import { AFTER_PHASE, toPhase } from './phase-row.js';
import type { StatementCache } from './statement-cache.js';

/**
 * Copies a file's current version into `workflow_history`: nothing when the file was never
 * loaded, or when the new version has the same hash (a file reloaded after a failed load).
 * Run before its phases are replaced or removed; parameters: the file key, the new hash (`''`
 * for a removal).
 */
const keepVersionSql = `
  INSERT INTO workflow_history (file_path, file_hash, loaded_at, phases)
  SELECT f.file_path, f.file_hash, f.loaded_at,
    (SELECT json_group_array(json_object('task', written_task, 'rule', rule, 'dependsOn', depends_on,
        'retry', retry, 'template', template, 'status', status) ORDER BY position)
     FROM workflow_phases WHERE file_path = f.file_path)
  FROM workflow_files f WHERE f.file_path = ? AND f.file_hash != ?`;

/**
 * Drops a file's earlier versions beyond the newest `?2`. Parameters: the file key, the number
 * kept. Through the (file_path, id) index: the cost of a file's own versions, not of the table.
 */
const dropOldVersionsSql = `
  DELETE FROM workflow_history WHERE file_path = ?1 AND id <= (
    SELECT id FROM workflow_history WHERE file_path = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)`;

/** How many versions of a file the history holds, through the (file_path, id) index. */
const countVersionsSql = 'SELECT count(*) FROM workflow_history WHERE file_path = ?';

/**
 * Drops every earlier version replaced before `datetime('now', ?1)` (`?1` such as `-86400 seconds`).
 * Ids grow in the order versions were replaced, so the versions to drop come first in the table
 * and the scan stops at the first one kept: nearly free when nothing has expired.
 */
const dropExpiredVersionsSql = `
  DELETE FROM workflow_history WHERE id < coalesce(
    (SELECT id FROM workflow_history WHERE replaced_at >= datetime('now', ?1) ORDER BY id LIMIT 1),
    (SELECT max(id) + 1 FROM workflow_history))`;

/** One version of a file as the history table holds it, its phases still as stored JSON text. */
export interface StoredVersion {
  hash: string;
  loadedAt: string | null;
  replacedAt: string;
  phasesJson: string;
}

/** A file's current version with its phases, as the history lists it last. */
export interface CurrentVersion {
  hash: string;
  loadedAt: string | null;
  phases: (Phase & { status: string })[];
}

/**
 * The history table: each version of a file replaced or removed, with its phases as JSON, as
 * much of it as the retention keeps. It shares the tables' statements and transactions.
 */
export class HistoryTable {
  readonly #db: Database;
  readonly #statements: StatementCache;
  readonly #retention: Required<HistoryRetention>;
  /**
   * Per loaded file written since open, at least how many versions the table holds of it (or the
   * number kept, when it holds more), so that the retention's drop (a scan of the file's newest
   * versions, ~100 µs) runs only when there may be too many: counted once, then one more per
   * version kept. A version dropped by age or undone by a rollback leaves it high, which costs
   * one drop that finds nothing.
   */
  readonly #versionsAtMost = new Map<string, number>();

  constructor(db: Database, statements: StatementCache, retention: Required<HistoryRetention>) {
    this.#db = db;
    this.#statements = statements;
    this.#retention = retention;
  }

  /** Copies the file's current version into the history, then drops what the retention no longer keeps. */
  keepVersion(file: string, newHash: string): void {
    this.#statements.run(keepVersionSql, [file, newHash]);
    if (this.#db.changes() === 0) return;
    const { maxVersions, maxAgeDays } = this.#retention;
    if (maxVersions !== Infinity) this.#dropOldVersions(file, maxVersions, newHash === '');
    // In whole seconds: SQLite reads no exponent in a modifier, and beyond 30,000 years nothing expires.
    const seconds = Math.ceil(maxAgeDays * 86_400);
    if (seconds < 1e12) this.#statements.run(dropExpiredVersionsSql, [`-${seconds} seconds`]);
  }

  /** Drops the versions of `file` beyond the newest `maxVersions`, when there may be some; `removed`: the file is gone, its count is let go. */
  #dropOldVersions(file: string, maxVersions: number, removed: boolean): void {
    const known = this.#versionsAtMost.get(file);
    let versions = known === undefined ? Number(this.#statements.first(countVersionsSql, [file])![0]) : known + 1;
    if (versions > maxVersions) {
      this.#statements.run(dropOldVersionsSql, [file, maxVersions]);
      versions = maxVersions;
    }
    if (removed) this.#versionsAtMost.delete(file);
    else this.#versionsAtMost.set(file, versions);
  }

  /** The versions of `file` kept in the history, oldest first. */
  storedVersions(file: string): StoredVersion[] {
    return this.#statements.all('SELECT file_hash, loaded_at, replaced_at, phases FROM workflow_history WHERE file_path = ? ORDER BY id', [file]).map((row) => ({
      hash: String(row[0]),
      loadedAt: row[1] === null ? null : String(row[1]),
      replacedAt: String(row[2]),
      phasesJson: String(row[3]),
    }));
  }

  /** The version of `file` loaded now, with its phases as written; `undefined` when it is not loaded. */
  currentVersion(file: string): CurrentVersion | undefined {
    const current = this.#statements.first('SELECT file_hash, loaded_at FROM workflow_files WHERE file_path = ?', [file]);
    if (!current) return undefined;
    const phases = this.#statements.all(
      'SELECT written_task, rule, depends_on, retry, template, status FROM workflow_phases WHERE file_path = ? ORDER BY position',
      [file],
    );
    return {
      hash: String(current[0]),
      loadedAt: current[1] === null ? null : String(current[1]),
      phases: phases.map((row) => ({ ...toPhase(row), status: String(row[AFTER_PHASE] ?? '') })),
    };
  }

  /** Keys of every file the history knows: loaded ones, and removed ones whose versions are kept; in key order. */
  files(): string[] {
    return this.#statements.all('SELECT file_path FROM workflow_files UNION SELECT file_path FROM workflow_history ORDER BY 1').map((row) => String(row[0]));
  }
}
