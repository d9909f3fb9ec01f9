import { QueryError } from './errors.js';
import type { Database } from './sqljs.js';

type Bindable = string | number | null | Uint8Array;

/**
 * Runs one SQL statement with writes switched off (`PRAGMA query_only`), so that a statement
 * that would change the database fails inside SQLite itself rather than by our guessing.
 * @throws {QueryError} for writes, several statements, bad SQL or parameters
 */
export function runReadOnly(db: Database, sql: string, params: readonly unknown[]): Record<string, unknown>[] {
  if (typeof sql !== 'string' || sql.trim() === '') throw new QueryError('query() needs a SQL statement');
  if (!Array.isArray(params)) throw new QueryError('query() parameters must be an array');
  if (/\bquery_only\b/i.test(sql)) throw new QueryError('query() is read-only: query_only cannot be changed');
  const values = params.map(toBindable);
  db.exec('PRAGMA query_only = ON');
  try {
    const statements = db.iterateStatements(sql);
    const first = statements.next();
    if (first.done) throw new QueryError('query() needs a SQL statement; got none');
    const statement = first.value;
    try {
      // The iterator frees each statement as it moves on, so the rest is counted apart.
      let more = 0;
      for (const next of db.iterateStatements(statements.getRemainingSQL())) {
        next.free();
        more++;
      }
      if (more > 0) throw new QueryError(`query() runs exactly one statement; got ${more + 1}`);
      statement.bind(values);
      const rows: Record<string, unknown>[] = [];
      while (statement.step()) rows.push(statement.getAsObject());
      return rows;
    } finally {
      statement.free();
    }
  } catch (error) {
    if (error instanceof QueryError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/readonly|read-only/i.test(message)) {
      throw new QueryError(`query() is read-only; this statement would change the database: ${sql.trim()}`, { cause: error });
    }
    throw new QueryError(`${message} in: ${sql.trim()}`, { cause: error });
  } finally {
    db.exec('PRAGMA query_only = OFF');
  }
}

function toBindable(value: unknown, index: number): Bindable {
  if (value === null || typeof value === 'string' || typeof value === 'number' || value instanceof Uint8Array) return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (value === undefined) return null;
  throw new QueryError(`query() parameter ${index + 1} is ${typeof value}; use a string, number, boolean, null or Uint8Array`);
}
