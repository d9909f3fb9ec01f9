import { cronError } from './cron.js';
import type { Phase } from './phase.js';
import { parseQuery } from './query-string.js';

/** Above this many retries a phase is flagged. */
const RECOMMENDED_RETRY_LIMIT = 10;

/**
 * What is wrong with one phase's rule, dependsOn and retry, in the order they are reported;
 * `[]` when nothing is. `parents` are the phases of its file that `dependsOn` names.
 */
export function ruleProblems(p: Phase, parents: readonly unknown[]): string[] {
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
