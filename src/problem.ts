/** What kinds of problem a phase can have: stable identifiers, safe to match on. */
export const PROBLEM_CODES = [
  'blank-phase',
  'invalid-rule',
  'parent-not-found',
  'ignored-cron',
  'retry-over-limit',
  'invalid-rule-format',
  'duplicate-task',
  'dependency-cycle',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** One problem found in a phase when its file was loaded (or when the checks changed since). */
export interface Problem {
  code: ProblemCode;
  /** `warning` for what still runs as written (a retry count above the recommended limit). */
  severity: 'error' | 'warning';
  /** The text `status` holds for it, such as `parent task not found: build`. */
  message: string;
  /**
   * The line of the phase's `[[phase]]` header in its file (for `duplicate-task`, the ignored
   * duplicate's), 1-based. Lines are kept for files that had problems when loaded: absent for a
   * problem a newer check found in a file that had none then, or in a database loaded before
   * lines were kept, until the file changes.
   */
  line?: number;
}

/** A phase's `status`: its problems' messages joined with `; `, `''` when none. */
export function statusOf(problems: readonly Pick<Problem, 'message'>[]): string {
  return problems.map((p) => p.message).join('; ');
}
