import { dependencyCycles } from './dependency-cycles.js';
import { parentFinder } from './parents.js';
import { job, taskKey, topic, type Phase } from './phase.js';
import { statusOf, type Problem } from './problem.js';
import { parsedRule, ruleProblems } from './rule-problems.js';

/**
 * The version of the checks below. Raise it whenever a check is added or changes what it
 * reports: a database saved under another version has its verdicts recomputed when opened.
 */
export const CHECKS_VERSION = 1;

/** A phase of a loaded file, with what the cache stores beside it. */
export interface CheckedPhase {
  phase: Phase;
  /** `topic:job`, the stored `task` column. */
  key: string;
  topic: string;
  job: string;
  /** Position in the file, from 0, counting dropped duplicates too. */
  position: number;
  /** The line of its `[[phase]]` header, when known: found only for a file with problems. */
  line: number | undefined;
  /** What is wrong with it, in the order `status` reports them. */
  problems: Problem[];
  /** The problems' messages joined with `; `, `''` when sound. */
  status: string;
}

/** A kept phase as a file's check starts it: problems found outside the checks (duplicates) already noted. */
export type KeptPhase = Omit<CheckedPhase, 'status'>;

/**
 * Checks the phases of one file, in file order: drops later phases whose key repeats an earlier
 * one (noting it on the kept phase) and gives each kept phase its problems and status.
 * @param lineOf the line of the phase at a position in the file, asked only when the file has
 * problems: finding lines costs a sixth of the rest of a check, and most files have none
 */
export function checkPhases(phases: readonly Phase[], lineOf?: (position: number) => number | undefined): CheckedPhase[] {
  const kept = new Map<string, KeptPhase>();
  const duplicateAt = new Map<Problem, number>();
  phases.forEach((phase, position) => {
    // job(), with the rule parsed once for this and for the rule's checks.
    const phaseJob = phase.task.includes(':') ? job(phase) : (parsedRule(phase.rule).values.get('job') ?? '');
    const key = taskKey(phase, phaseJob);
    const first = kept.get(key);
    if (first) {
      const problem = duplicateTask(key, position);
      duplicateAt.set(problem, position);
      first.problems.push(problem);
      return;
    }
    kept.set(key, { phase, key, topic: topic(phase), job: phaseJob, position, line: undefined, problems: [] });
  });
  const checked = checkKept([...kept.values()]);
  if (!lineOf || checked.every((c) => c.problems.length === 0)) return checked;
  return checked.map((c) => {
    const line = lineOf(c.position);
    const problems = c.problems.map((p) => at(duplicateAt.has(p) ? lineOf(duplicateAt.get(p)!) : line, p));
    return { ...c, line, problems };
  });
}

/**
 * Checks the kept phases of one file, in file order, each with the duplicates dropped after it
 * as its only problems so far (they are not checked again: the duplicates themselves are gone).
 */
export function checkKept(kept: readonly KeptPhase[]): CheckedPhase[] {
  const parents = parentFinder(kept);
  const parentsOf = new Map(kept.map((c) => [c, parents(c.phase.dependsOn)]));
  const cyclic = dependencyCycles(kept, (c) => parentsOf.get(c)!);
  return kept.map((c) => {
    const cycle = cyclic.get(c);
    const found = ruleProblems(c.phase, parentsOf.get(c)!);
    // Most phases are sound: no more arrays are made for them.
    if (found.length === 0 && c.problems.length === 0 && !cycle) return withProblems(c, found, '');
    const problems = [
      ...found.map((p) => at(c.line, p)),
      ...c.problems,
      ...(cycle ? [at(c.line, { code: 'dependency-cycle', severity: 'error', message: `dependency cycle: ${cycle.map((p) => p.key).join(' → ')}` } as const)] : []),
    ];
    return withProblems(c, problems, statusOf(problems));
  });
}

/** A kept phase checked: the same fields, with all its problems. */
function withProblems(c: KeptPhase, problems: Problem[], status: string): CheckedPhase {
  return { phase: c.phase, key: c.key, topic: c.topic, job: c.job, position: c.position, line: c.line, problems, status };
}

/** The problem noted on a kept phase for a later one with the same key. */
export function duplicateTask(key: string, position: number): Problem {
  return { code: 'duplicate-task', severity: 'error', message: `duplicate task: ${key} again at phase ${position + 1}, which is ignored` };
}

function at(line: number | undefined, problem: Problem): Problem {
  return line === undefined ? problem : { ...problem, line };
}
