// Comparing two versions of a file: apart from history.ts, which the cache needs, so that the
// main bundle leaves it out (the CLI and `workflow-cache/tools` use it).
import type { VersionPhase } from './history.js';
import { taskKey } from './phase.js';

/** A phase found in both versions with some fields changed. */
export interface PhaseChange {
  /** The stored key, `topic:job`. */
  key: string;
  before: VersionPhase;
  after: VersionPhase;
  fields: (keyof VersionPhase)[];
}

/** What changed between two versions of a file, phases matched by their `topic:job` key. */
export interface VersionDiff {
  added: VersionPhase[];
  removed: VersionPhase[];
  changed: PhaseChange[];
}

const compared: (keyof VersionPhase)[] = ['task', 'rule', 'dependsOn', 'retry', 'template', 'status'];

/** What changed from `before` to `after`: added and removed phases in file order, then changed ones. */
export function diffVersions(before: readonly VersionPhase[], after: readonly VersionPhase[]): VersionDiff {
  const old = new Map(before.map((p) => [taskKey(p), p]));
  const now = new Map(after.map((p) => [taskKey(p), p]));
  const changed: PhaseChange[] = [];
  for (const [key, p] of now) {
    const q = old.get(key);
    if (!q) continue;
    const fields = compared.filter((field) => q[field] !== p[field]);
    if (fields.length > 0) changed.push({ key, before: q, after: p, fields });
  }
  return {
    added: after.filter((p) => !old.has(taskKey(p))),
    removed: before.filter((p) => !now.has(taskKey(p))),
    changed,
  };
}
