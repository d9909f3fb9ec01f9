import type { PhaseRecord } from '../../src/index.browser.js';

/** How bad a phase's problems are: warnings only, or anything worse. */
export type Severity = 'ok' | 'warning' | 'problem';

/** The messages of a phase's problems, each whole (a rule's text may hold the `; ` that joins them in `status`). */
export function problemsOf(record: Pick<PhaseRecord, 'problems'>): string[] {
  return record.problems?.map((p) => p.message) ?? [];
}

export function severity(record: Pick<PhaseRecord, 'problems'>): Severity {
  const problems = record.problems ?? [];
  if (problems.length === 0) return 'ok';
  return problems.every((p) => p.severity === 'warning') ? 'warning' : 'problem';
}
