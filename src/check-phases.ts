import { dependencyCycles } from './dependency-cycles.js';
import { parentFinder } from './parents.js';
import { job, taskKey, topic, type Phase } from './phase.js';
import { ruleProblems } from './rule-problems.js';

/** A phase of a loaded file, with what the cache stores beside it. */
export interface CheckedPhase {
  phase: Phase;
  /** `topic:job`, the stored `task` column. */
  key: string;
  topic: string;
  job: string;
  /** Position in the file, from 0, counting dropped duplicates too. */
  position: number;
  status: string;
}

/**
 * Checks the phases of one file, in file order: drops later phases whose key repeats an earlier
 * one (noting it on the kept phase) and gives each kept phase its status, `''` when sound.
 */
export function checkPhases(phases: readonly Phase[]): CheckedPhase[] {
  const kept = new Map<string, CheckedPhase & { problems: string[] }>();
  phases.forEach((phase, position) => {
    const phaseJob = job(phase);
    const key = taskKey(phase, phaseJob);
    const first = kept.get(key);
    if (first) {
      first.problems.push(`duplicate task: ${key} again at phase ${position + 1}, which is ignored`);
      return;
    }
    kept.set(key, { phase, key, topic: topic(phase), job: phaseJob, position, status: '', problems: [] });
  });
  const checked = [...kept.values()];
  const parents = parentFinder(checked);
  for (const c of checked) c.problems.unshift(...ruleProblems(c.phase, parents(c.phase.dependsOn)));
  const cyclic = dependencyCycles(checked, (c) => parents(c.phase.dependsOn));
  for (const c of checked) {
    const cycle = cyclic.get(c);
    if (cycle) c.problems.push(`dependency cycle: ${cycle.map((p) => p.key).join(' → ')}`);
  }
  return checked.map(({ problems, ...c }) => ({ ...c, status: problems.join('; ') }));
}
