import { DatabaseContentError } from './errors.js';
import type { Phase } from './phase.js';
import type { HistoryTable } from './db/history-table.js';

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
 * Every version of a file the database knows, oldest first: those kept in the history, then
 * the current one when the file is still loaded. `[]` for a file never loaded.
 */
export function readHistory(table: HistoryTable, key: string): WorkflowVersion[] {
  const versions: Omit<WorkflowVersion, 'version'>[] = table.storedVersions(key).map((stored, i) => ({
    file: key,
    hash: stored.hash,
    loadedAt: stored.loadedAt,
    replacedAt: stored.replacedAt,
    phases: storedPhases(key, i + 1, stored.phasesJson),
  }));
  const current = table.currentVersion(key);
  if (current) versions.push({ file: key, hash: current.hash, loadedAt: current.loadedAt, replacedAt: null, phases: current.phases });
  return versions.map((v, i) => ({ version: i + 1, ...v }));
}

/**
 * The phases of a version as the history stored them: a JSON list of objects.
 * @throws {DatabaseContentError} when the stored text is anything else
 */
function storedPhases(key: string, version: number, stored: unknown): VersionPhase[] {
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
      key,
      `the history of ${key} holds version ${version} as something other than a list of phases in JSON; ` +
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
