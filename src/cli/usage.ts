import { WorkflowPathError } from '../errors.js';

/** Exit statuses: 0 all well, 1 problems found (or the command failed), 2 the command was used wrongly. */
export const exitCodes = { ok: 0, problems: 1, usage: 2 } as const;

/** The command was called wrongly: a missing path, an unknown file key, a bad option value. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The exit status for an error that ends a command: usage errors and missing paths are 2. */
export function exitCodeFor(error: unknown): number {
  return error instanceof UsageError || error instanceof WorkflowPathError ? exitCodes.usage : exitCodes.problems;
}

/** Parses a whole number option, for commander. */
export function wholeNumber(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a whole number, got "${value}"`);
    return n;
  };
}
