import type { EncodedRows } from './encoded-rows.js';

/**
 * The few SQLite operations the cache needs, in our own words, so that nothing outside
 * `src/db/` depends on the SQLite build underneath (today sql.js, see `sql-js.ts`). All of them
 * are synchronous, as SQLite is; only loading the engine is not.
 */

/** A value SQLite stores, binds and returns: an integer or a real as a number, text, a blob, NULL. */
export type SqlValue = number | string | Uint8Array | null;

/** One prepared statement. It stays prepared until {@link free}, to be run again and again. */
export interface Statement {
  /** Runs the statement to its end with `params` bound to `?`/`?N`, dropping any rows. */
  run(params?: readonly SqlValue[]): void;
  /**
   * Runs the statement once per row of `rows`, as {@link run} would, binding faster: for bulk
   * inserts. Stops at the first row that fails, with that row's error; the rows before it stay run.
   */
  runMany(rows: readonly (readonly SqlValue[])[]): void;
  /** {@link runMany} for rows encoded ahead (by `encodeRows`, on any thread): nothing left to encode. */
  runEncoded(rows: EncodedRows): void;
  /** The first row's values, in the statement's column order; `undefined` when there is none. */
  first(params?: readonly SqlValue[]): SqlValue[] | undefined;
  /** Every row's values, in the statement's column order. */
  all(params?: readonly SqlValue[]): SqlValue[][];
  /** The names of the statement's result columns, in order (a name may repeat). */
  columns(): string[];
  /** Finalizes the statement, giving back what SQLite holds for it. */
  free(): void;
}

/** What SQLite said it left unread after the first statement of some SQL. */
export interface FirstStatement {
  statement: Statement;
  /** The SQL after the first statement, as SQLite's own parser found its end. */
  rest: string;
}

/** One connection to a database held in memory. */
export interface Database {
  /** Prepares one statement; SQL after its first statement is ignored by SQLite. */
  prepare(sql: string): Statement;
  /**
   * Prepares only the first statement of `sql` and reports the SQL SQLite left after it, so a
   * caller can refuse SQL that holds more than one; `undefined` when `sql` holds none.
   */
  prepareFirst(sql: string): FirstStatement | undefined;
  /** Runs every statement of `sql`, one after another, dropping any rows. */
  exec(sql: string): void;
  /** Rows the last `INSERT`, `UPDATE` or `DELETE` changed. */
  changes(): number;
  /**
   * The database as a SQLite file image. Prepared statements must outlive it: the store keeps
   * its statements prepared across saves (see `statement-cache.ts`). Throws inside a write
   * transaction.
   */
  export(): Uint8Array;
  /** Closes the connection, finalizing any statement still prepared. */
  close(): void;
}

/** Where the SQLite wasm is found, when the default does not fit (browsers: a bundler's URL). */
export interface WasmConfig {
  /** Maps the wasm file name (`sql-wasm.wasm` or `sql-wasm-browser.wasm`) to its URL or path. */
  locateFile?: (file: string) => string;
  /** The wasm itself, already fetched. */
  wasmBinary?: ArrayBuffer;
}

/** A started SQLite build: opens connections to databases in memory. */
export interface Engine {
  /** A connection to a new empty database, or to a copy of `image` (a SQLite file's bytes). */
  open(image?: Uint8Array): Database;
}
