import { dependency } from './phase.js';

/** A phase of one file with the topic and job its parents are matched by. */
export interface Matchable {
  topic: string;
  job: string;
}

/**
 * Finds, among the phases of one file, those a `dependsOn` value names, matched as `children()`
 * matches: the topic, and the job when `dependsOn` names one. `[]` for `''`.
 */
export function parentFinder<T extends Matchable>(file: readonly T[]): (dependsOn: string) => T[] {
  const byTopic = new Map<string, T[]>();
  for (const p of file) {
    const same = byTopic.get(p.topic);
    if (same) same.push(p);
    else byTopic.set(p.topic, [p]);
  }
  return (dependsOn) => {
    if (dependsOn === '') return [];
    const dep = dependency(dependsOn);
    return (byTopic.get(dep.topic) ?? []).filter((q) => dep.job === '' || dep.job === q.job);
  };
}
