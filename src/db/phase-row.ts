import type { Phase } from '../phase.js';
import type { SqlValue } from './engine.js';

/**
 * In {@link toPhase}'s order: lookups read rows as arrays, several times faster than as objects.
 * A retry beyond a JS safe integer comes as text, to stay exact (sql.js reads integers as doubles).
 */
export const phaseColumns = 'written_task, rule, depends_on, iif(retry BETWEEN -9007199254740991 AND 9007199254740991, retry, CAST(retry AS TEXT)), template';
/** Where the columns after {@link phaseColumns} start in a row. */
export const AFTER_PHASE = 5;

/** A phase from a row of {@link phaseColumns}. */
export function toPhase(row: SqlValue[]): Phase {
  return {
    task: String(row[0]),
    rule: String(row[1] ?? ''),
    dependsOn: String(row[2] ?? ''),
    retry: retryOf(row[3]),
    template: String(row[4] ?? ''),
  };
}

/** A phase's retry from the value {@link phaseColumns} reads it as: text for what is past a safe integer. */
export function retryOf(value: unknown): number | bigint {
  return typeof value === 'string' ? BigInt(value) : Number(value ?? 0);
}
