import { QueryError } from '../errors.js';
import type { Database, SqlValue } from './engine.js';
import { asciiLower, sqlStatements, sqlTokens, type SqlToken } from './sql-tokens.js';
import { messageOf } from '../message-of.js';

export type Bindable = SqlValue;

const allowed = 'one SELECT, WITH … SELECT or VALUES statement';

/** The words SQLite's grammar starts a statement with. */
const statementKeywords = new Set([
  'alter', 'analyze', 'attach', 'begin', 'commit', 'create', 'delete', 'detach', 'drop', 'end', 'explain', 'insert',
  'pragma', 'reindex', 'release', 'replace', 'rollback', 'savepoint', 'select', 'update', 'vacuum', 'values', 'with',
]);

/**
 * PRAGMAs whose table-valued functions only read. A setting's function takes no value (at most a
 * schema name), so it shows the setting and cannot change it; `optimize` is left out, since it
 * runs ANALYZE. A list, not a rule: a PRAGMA added to SQLite later is refused until known.
 */
const readingPragmas = new Set([
  'table_info', 'table_xinfo', 'table_list', 'index_list', 'index_info', 'index_xinfo',
  'foreign_key_list', 'foreign_key_check', 'integrity_check', 'quick_check',
  'pragma_list', 'function_list', 'module_list', 'collation_list', 'database_list', 'compile_options',
  'application_id', 'user_version', 'schema_version', 'data_version', 'page_count', 'page_size', 'freelist_count', 'encoding',
  'analysis_limit', 'auto_vacuum', 'automatic_index', 'busy_timeout', 'cache_size', 'cache_spill', 'cell_size_check',
  'checkpoint_fullfsync', 'count_changes', 'default_cache_size', 'defer_foreign_keys', 'empty_result_callbacks',
  'foreign_keys', 'full_column_names', 'fullfsync', 'hard_heap_limit', 'ignore_check_constraints', 'journal_mode',
  'journal_size_limit', 'legacy_alter_table', 'locking_mode', 'max_page_count', 'query_only', 'read_uncommitted',
  'recursive_triggers', 'reverse_unordered_selects', 'secure_delete', 'short_column_names', 'soft_heap_limit',
  'synchronous', 'temp_store', 'threads', 'trusted_schema', 'writable_schema',
]);

/**
 * Refuses, before SQLite prepares anything, SQL that is not exactly one `SELECT`, `WITH … SELECT`
 * or `VALUES` statement: SQLite applies some PRAGMAs (`writable_schema`, `cache_size`,
 * `hard_heap_limit`) while it prepares them, so a statement refused after `prepare` would
 * already have taken effect. The SQL is read with SQLite's own tokenizer rules (comments,
 * quoted names, strings, blobs), so a comment, a quote or a leading `;` changes nothing.
 * @throws {QueryError} naming what is allowed, and what was found
 */
export function checkReadOnly(sql: unknown): asserts sql is string {
  if (typeof sql !== 'string' || sql.trim() === '') throw new QueryError(`query() needs ${allowed}`);
  if (sql.includes('\0')) throw new QueryError('query() SQL contains a NUL character, where SQLite would stop reading it');
  const statements = sqlStatements(sql);
  if (statements.length === 0) throw new QueryError(`query() needs ${allowed}; got only comments`);
  if (statements.length > 1) throw new QueryError(`query() runs exactly one statement; got ${statements.length}`);
  const [tokens] = statements;
  const illegal = tokens.find((t) => t.kind === 'illegal');
  if (illegal) throw new QueryError(`unrecognized token: "${illegal.text.slice(0, 40)}" in: ${sql.trim()}`);
  const main = mainKeyword(tokens);
  const first = keyword(tokens[0]);
  if (first === undefined || !statementKeywords.has(first)) {
    throw new QueryError(`near ${describe(tokens[0])}: syntax error; query() runs ${allowed}`);
  }
  if (main !== 'select' && main !== 'values') {
    const got = main === undefined ? describe(tokens[0]) : main.toUpperCase();
    const hint = first === 'pragma'
      ? "; to read a PRAGMA, select from its function: SELECT * FROM pragma_table_info('workflow_phases')"
      : '';
    throw new QueryError(`query() is read-only: it runs ${allowed}; got ${got}${hint}`);
  }
  for (const token of tokens) {
    if (token.kind !== 'word' && token.kind !== 'quoted' && token.kind !== 'string') continue;
    const name = asciiLower(token.value);
    if (name.startsWith('pragma_') && !readingPragmas.has(name.slice('pragma_'.length))) {
      throw new QueryError(
        `query() is read-only: ${token.value} is not a PRAGMA function it allows; it allows those that only ` +
          'read, such as pragma_table_info, pragma_index_list or pragma_journal_mode',
      );
    }
  }
}

/**
 * The keyword of the statement proper, lower-cased: the first one, or for `WITH` the one after
 * its common table expressions (`WITH x AS (…) DELETE …` is a DELETE). Each expression is
 * `name [(columns)] AS [[NOT] MATERIALIZED] (…)`, so at the outer level the token after a
 * closing parenthesis is `,`, `AS`, or the statement's keyword.
 */
function mainKeyword(tokens: readonly SqlToken[]): string | undefined {
  const first = keyword(tokens[0]);
  if (first !== 'with') return first;
  let depth = 0;
  for (let i = 1; i < tokens.length; i++) {
    const text = tokens[i].kind === 'operator' ? tokens[i].text : '';
    if (text === '(') depth++;
    else if (text === ')' && --depth === 0) {
      const next = tokens[i + 1];
      if (next === undefined) return undefined;
      if (next.kind === 'operator' && next.text === ',') continue;
      const word = keyword(next);
      if (word !== 'as') return word ?? describe(next);
    } else if (depth < 0) return undefined;
  }
  return undefined;
}

function keyword(token: SqlToken | undefined): string | undefined {
  return token?.kind === 'word' ? asciiLower(token.text) : undefined;
}

function describe(token: SqlToken): string {
  return `"${token.text.slice(0, 40)}"`;
}

/**
 * Runs one SQL statement on `db` with writes switched off (`PRAGMA query_only`), after
 * {@link checkReadOnly}: a statement that would still change the database fails inside SQLite.
 * No bound on time, rows or memory: for trusted SQL (see `queryIsolated()` for the rest).
 * @throws {QueryError} for anything but one read-only statement, bad SQL or parameters
 * @internal
 */
export function runReadOnly(db: Database, sql: string, params: readonly unknown[]): Record<string, unknown>[] {
  checkReadOnly(sql);
  const values = bindableParams(params);
  db.exec('PRAGMA query_only = ON');
  try {
    const first = db.prepareFirst(sql);
    if (!first) throw new QueryError(`query() needs ${allowed}; got none`);
    const { statement, rest } = first;
    try {
      // What SQLite left unread must be empty as the tokenizer found it; a disagreement is refused.
      if (sqlTokens(rest).some((t) => t.kind !== 'semicolon')) {
        throw new QueryError(`query() runs exactly one statement; SQLite read a second one in: ${sql.trim()}`);
      }
      return rowObjects(statement.columns(), statement.all(values));
    } finally {
      statement.free();
    }
  } catch (error) {
    throw sqliteError(error, sql);
  } finally {
    db.exec('PRAGMA query_only = OFF');
  }
}

/** Rows as objects by column name, as a caller of `query()` gets them: a name given twice keeps the last column's value. */
export function rowObjects(columns: readonly string[], rows: readonly (readonly unknown[])[]): Record<string, unknown>[] {
  return rows.map((row) => {
    const object: Record<string, unknown> = {};
    columns.forEach((name, i) => {
      object[name] = row[i];
    });
    return object;
  });
}

/** An error of SQLite's (or ours) about `sql`, as the QueryError a caller gets. */
export function sqliteError(error: unknown, sql: string): QueryError {
  if (error instanceof QueryError) return error;
  const message = messageOf(error);
  if (/readonly|read-only/i.test(message)) {
    return new QueryError(`query() is read-only; this statement would change the database: ${sql.trim()}`, { cause: error });
  }
  return new QueryError(`${message} in: ${sql.trim()}`, { cause: error });
}

/**
 * Parameters as SQLite binds them.
 * @throws {QueryError} for a value that has no SQL form
 */
export function bindableParams(params: unknown): Bindable[] {
  if (!Array.isArray(params)) throw new QueryError('query() parameters must be an array');
  return params.map(toBindable);
}

function toBindable(value: unknown, index: number): Bindable {
  if (value === null || typeof value === 'string' || typeof value === 'number' || value instanceof Uint8Array) return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (value === undefined) return null;
  throw new QueryError(`query() parameter ${index + 1} is ${typeof value}; use a string, number, boolean, null or Uint8Array`);
}
