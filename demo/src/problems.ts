import type { PhaseRecord } from '../../src/index.browser.js';

/** How bad a phase's status is: `warning:` problems only, or anything worse. */
export type Severity = 'ok' | 'warning' | 'problem';

/** The separate problems in a status (the library joins them with `; `). */
export function problemsOf(status: string): string[] {
  return status === '' ? [] : status.split('; ');
}

export function severity(record: Pick<PhaseRecord, 'status'>): Severity {
  const problems = problemsOf(record.status);
  if (problems.length === 0) return 'ok';
  return problems.every((p) => p.startsWith('warning:')) ? 'warning' : 'problem';
}
