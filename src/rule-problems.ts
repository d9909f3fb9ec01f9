import { cronError } from './cron.js';
import type { Phase } from './phase.js';
import type { Problem } from './problem.js';
import { parseQuery, type ParsedQuery } from './query-string.js';

/** Above this many retries a phase is flagged. */
const RECOMMENDED_RETRY_LIMIT = 10;

/**
 * What is wrong with one phase's rule, dependsOn and retry, in the order they are reported;
 * `[]` when nothing is. `parents` are the phases of its file that `dependsOn` names.
 */
export function ruleProblems(p: Phase, parents: readonly unknown[]): Problem[] {
  const problems: Problem[] = [];
  const error = (code: Problem['code'], message: string) => problems.push({ code, severity: 'error', message });
  const rule = parsedRule(p.rule);
  if (rule.error !== undefined) error('invalid-rule-format', `invalid rule format: ${p.rule}`);
  const cron = rule.values.get('cron') ?? '';
  if (p.dependsOn === '') {
    if (p.rule === '') {
      error('blank-phase', 'invalid phase: rule and dependsOn are blank');
    } else if (!rule.values.get('files')) {
      const why = cron === '' ? undefined : cronError(cron);
      if (cron === '' || why) error('invalid-rule', `no valid rule found: ${p.rule}${why ? ` (cron ${why})` : ''}`);
    }
  } else {
    if (parents.length === 0) error('parent-not-found', `parent task not found: ${p.dependsOn}`);
    if (cron !== '') error('ignored-cron', `ignored rule: cron=${cron}`);
  }
  if (p.retry > RECOMMENDED_RETRY_LIMIT) {
    problems.push({ code: 'retry-over-limit', severity: 'warning', message: 'warning: retry count exceeds recommended limit' });
  }
  return problems;
}

/** Rules parsed, by their text: the phases of a load name the same few rules. */
const rules = new Map<string, ParsedQuery>();
const MAX_RULES = 1000;

/** `parseQuery(rule)`, parsed once for the checks of every phase that has this rule. */
export function parsedRule(rule: string): ParsedQuery {
  let parsed = rules.get(rule);
  if (parsed === undefined) {
    parsed = parseQuery(rule);
    if (rules.size >= MAX_RULES) rules.clear();
    rules.set(rule, parsed);
  }
  return parsed;
}
