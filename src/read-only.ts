import { QueryError } from './errors.js';
import type { Database } from './sqljs.js';

type Bindable = string | number | null | Uint8Array;

/**
 * Statements SQLite lets through under `query_only` that still change the connection: an open
 * transaction would make the next refresh fail, an attached database, a changed setting or a
 * VACUUM INTO file would outlive the query. Leading comments are skipped, as SQLite skips them.
 */
const connectionChanging =
  /^(?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*(?:(?:BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|ATTACH|DETACH|VACUUM|REINDEX|ANALYZE)\b|PRAGMA\s[^=]*=|PRAGMA\s+(?:\w+\.)?(\w+)\s*\()/i;

/** PRAGMAs whose argument names what to read, not a value to set. */
const readingPragmas = new Set([
  'table_info', 'table_xinfo', 'table_list', 'index_list', 'index_info', 'index_xinfo',
  'foreign_key_list', 'foreign_key_check', 'integrity_check', 'quick_check',
]);

function changesConnection(sql: string): boolean {
  const match = connectionChanging.exec(sql);
  return match !== null && !(match[1] !== undefined && readingPragmas.has(match[1].toLowerCase()));
}

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
    try {
      const first = statements.next();
      if (first.done) throw new QueryError('query() needs a SQL statement; got none');
      const statement = first.value;
      // The iterator frees each statement as it moves on, so the rest is counted apart.
      let more = 0;
      for (const next of db.iterateStatements(statements.getRemainingSQL())) {
        next.free();
        more++;
      }
      if (more > 0) throw new QueryError(`query() runs exactly one statement; got ${more + 1}`);
      if (changesConnection(statement.getSQL())) {
        throw new QueryError(
          `query() is read-only; transactions, ATTACH/DETACH, VACUUM and PRAGMA settings are refused: ${sql.trim()}`,
        );
      }
      statement.bind(values);
      const rows: Record<string, unknown>[] = [];
      while (statement.step()) rows.push(statement.getAsObject());
      return rows;
    } finally {
      // Frees the statement and the iterator's own copy of the SQL in wasm memory.
      (statements as Iterator<unknown>).return?.();
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
