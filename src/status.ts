import { cronError } from './cron.js';
import { parentFinder } from './parents.js';
import { job, taskKey, topic, type Phase } from './phase.js';
import { parseQuery } from './query-string.js';

/** Above this many retries a phase is flagged. */
const RECOMMENDED_RETRY_LIMIT = 10;

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
  const cyclic = cycles(checked, parents);
  for (const c of checked) {
    const cycle = cyclic.get(c);
    if (cycle) c.problems.push(`dependency cycle: ${cycle.join(' → ')}`);
  }
  return checked.map(({ problems, ...c }) => ({ ...c, status: problems.join('; ') }));
}

type ParentLookup = (dependsOn: string) => CheckedPhase[];

function ruleProblems(p: Phase, parents: readonly CheckedPhase[]): string[] {
  const problems: string[] = [];
  const rule = parseQuery(p.rule);
  if (rule.error !== undefined) problems.push(`invalid rule format: ${p.rule}`);
  const cron = rule.values.get('cron') ?? '';
  if (p.dependsOn === '') {
    if (p.rule === '') {
      problems.push('invalid phase: rule and dependsOn are blank');
    } else if (!rule.values.get('files')) {
      const why = cron === '' ? undefined : cronError(cron);
      if (cron === '' || why) problems.push(`no valid rule found: ${p.rule}${why ? ` (cron ${why})` : ''}`);
    }
  } else {
    if (parents.length === 0) problems.push(`parent task not found: ${p.dependsOn}`);
    if (cron !== '') problems.push(`ignored rule: cron=${cron}`);
  }
  if (p.retry > RECOMMENDED_RETRY_LIMIT) problems.push('warning: retry count exceeds recommended limit');
  return problems;
}

/**
 * Each phase that is its own ancestor, with one shortest cycle through it in run order
 * (parent before child), starting and ending at that phase.
 */
function cycles(file: readonly CheckedPhase[], parents: ParentLookup): Map<CheckedPhase, string[]> {
  const children = new Map<CheckedPhase, CheckedPhase[]>(file.map((c) => [c, []]));
  for (const c of file) for (const parent of parents(c.phase.dependsOn)) children.get(parent)!.push(c);
  const found = new Map<CheckedPhase, string[]>();
  for (const start of inCycles(file, children)) {
    const path = shortestPath(start, start, children);
    if (path) found.set(start, path.map((c) => c.key));
  }
  return found;
}

function shortestPath(
  from: CheckedPhase,
  to: CheckedPhase,
  children: ReadonlyMap<CheckedPhase, readonly CheckedPhase[]>,
): CheckedPhase[] | undefined {
  const cameFrom = new Map<CheckedPhase, CheckedPhase>();
  let frontier = [from];
  while (frontier.length > 0) {
    const next: CheckedPhase[] = [];
    for (const node of frontier) {
      for (const child of children.get(node)!) {
        if (child === to) {
          const path = [to, node];
          for (let n = node; n !== from; n = cameFrom.get(n)!) path.push(cameFrom.get(n)!);
          return path.reverse();
        }
        if (!cameFrom.has(child) && child !== from) {
          cameFrom.set(child, node);
          next.push(child);
        }
      }
    }
    frontier = next;
  }
  return undefined;
}

/** The phases on some cycle (Tarjan's strongly connected components, without recursion). */
function inCycles(
  file: readonly CheckedPhase[],
  children: ReadonlyMap<CheckedPhase, readonly CheckedPhase[]>,
): CheckedPhase[] {
  const index = new Map<CheckedPhase, number>();
  const low = new Map<CheckedPhase, number>();
  const stack: CheckedPhase[] = [];
  const onStack = new Set<CheckedPhase>();
  const result: CheckedPhase[] = [];
  for (const root of file) {
    if (index.has(root)) continue;
    const work: Array<{ node: CheckedPhase; next: number }> = [{ node: root, next: 0 }];
    index.set(root, index.size);
    low.set(root, index.get(root)!);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const kids = children.get(frame.node)!;
      if (frame.next < kids.length) {
        const child = kids[frame.next++];
        if (!index.has(child)) {
          index.set(child, index.size);
          low.set(child, index.get(child)!);
          stack.push(child);
          onStack.add(child);
          work.push({ node: child, next: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(child)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: CheckedPhase[] = [];
      let member: CheckedPhase;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1 || kids.includes(frame.node)) result.push(...component);
    }
  }
  return result;
}
