import type { Phase } from '../phase.js';
import type { SqlValue } from './engine.js';

/** In {@link toPhase}'s order: lookups read rows as arrays, several times faster than as objects. */
export const phaseColumns = 'written_task, rule, depends_on, retry, template';
/** Where the columns after {@link phaseColumns} start in a row. */
export const AFTER_PHASE = 5;

/** A phase from a row of {@link phaseColumns}. */
export function toPhase(row: SqlValue[]): Phase {
  return {
    task: String(row[0]),
    rule: String(row[1] ?? ''),
    dependsOn: String(row[2] ?? ''),
    retry: Number(row[3] ?? 0),
    template: String(row[4] ?? ''),
  };
}
