import initSqlJs from 'sql.js';
import { EngineLoadError } from '../errors.js';
import type { Database, Engine, FirstStatement, SqlValue, Statement, WasmConfig } from './engine.js';
import { APART_CELL, decodeRows, encodeRows, NULL_CELL, type EncodedRows } from './encoded-rows.js';
import { messageOf } from '../message-of.js';

/** @deprecated the same as {@link WasmConfig}, under its former name. */
export type SqlJsConfig = WasmConfig;

/** sql.js, the SQLite build compiled to WASM that the cache runs on, could not be fetched or started. */
export class SqlJsLoadError extends EngineLoadError {
  override readonly name = 'SqlJsLoadError';
}

type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;
type SqlJsDatabase = InstanceType<SqlJs['Database']>;
type SqlJsStatement = ReturnType<SqlJsDatabase['prepare']>;

let loaded: Promise<Engine> | undefined;

/**
 * Initialises sql.js once and shares it: sql.js keeps a single instance per JavaScript realm
 * anyway, so the first configuration is the one that counts. A failed start is not kept, so the
 * next call tries again.
 * @throws {SqlJsLoadError} when the wasm cannot be fetched or started
 */
export function loadSqlJs(config: WasmConfig = {}): Promise<Engine> {
  loaded ??= initSqlJs({ ...config }).then(
    (SQL): Engine => ({ open: (image) => new SqlJsConnection(new SQL.Database(image), SQL as unknown as SqliteExports) }),
    (cause: unknown) => {
      loaded = undefined;
      const where = config.wasmBinary ? 'the wasmBinary given' : (config.locateFile?.('sql-wasm.wasm') ?? "sql.js's own wasm file");
      throw new SqlJsLoadError(
        `cannot start SQLite (sql.js wasm, from ${where}): ${messageOf(cause)}; ` +
          'pass its location as the sqlJs.locateFile option',
        { cause },
      );
    },
  );
  return loaded;
}

/**
 * What sql.js exports of SQLite's C API and of its memory, beyond its typed API: enough to bind
 * rows in bulk ({@link SqlJsPrepared.runMany}) without a malloc per string.
 */
interface SqliteExports {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  writeArrayToMemory(bytes: Uint8Array, pointer: number): void;
  stringToNewUTF8(text: string): number;
  lengthBytesUTF8(text: string): number;
  UTF8ToString(pointer: number): string;
  _sqlite3_sql(statement: number): number;
  _sqlite3_bind_text(statement: number, index: number, pointer: number, bytes: number, destructor: number): number;
  _sqlite3_bind_int(statement: number, index: number, value: number): number;
  _sqlite3_bind_double(statement: number, index: number, value: number): number;
  _sqlite3_bind_blob(statement: number, index: number, pointer: number, bytes: number, destructor: number): number;
  _sqlite3_step(statement: number): number;
  _sqlite3_reset(statement: number): number;
  _sqlite3_clear_bindings(statement: number): number;
}

const SQLITE_ROW = 100;
const SQLITE_DONE = 101;
/** SQLite reads bound text where it lies until the statement is reset, without a copy. */
const SQLITE_STATIC = 0;

/** A sql.js connection as a {@link Database}. */
class SqlJsConnection implements Database {
  readonly #db: SqlJsDatabase;
  readonly #sqlite: SqliteExports;

  constructor(db: SqlJsDatabase, sqlite: SqliteExports) {
    this.#db = db;
    this.#sqlite = sqlite;
  }

  prepare(sql: string): Statement {
    return new SqlJsPrepared(this.#db.prepare(sql), this.#sqlite);
  }

  prepareFirst(sql: string): FirstStatement | undefined {
    const statements = this.#db.iterateStatements(sql);
    try {
      const first = statements.next();
      if (first.done) return undefined;
      const rest = statements.getRemainingSQL();
      // Freed through the iterator: that also frees its own copy of the SQL in wasm memory.
      const free = () => void (statements as Iterator<unknown>).return?.();
      return { statement: new SqlJsPrepared(first.value, this.#sqlite, free), rest };
    } catch (error) {
      (statements as Iterator<unknown>).return?.();
      throw error;
    }
  }

  exec(sql: string): void {
    this.#db.exec(sql);
  }

  changes(): number {
    return this.#db.getRowsModified();
  }

  export(): Uint8Array {
    return this.#db.export();
  }

  close(): void {
    this.#db.close();
  }
}

/** A value {@link SqlJsPrepared.runMany} binds itself: text, a number, NULL (a blob goes through sql.js). */
function bindsInBulk(value: SqlValue): boolean {
  return value === null || typeof value === 'string' || typeof value === 'number';
}

/**
 * SQLite's pointer to a sql.js statement, which sql.js keeps in a property its build renames:
 * the one number that SQLite takes for a statement with this statement's SQL; `null` when none is.
 */
function statementPointer(statement: SqlJsStatement, sqlite: SqliteExports): number | null {
  const sql = statement.getSQL();
  for (const value of Object.values(statement)) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 4096) continue;
    try {
      if (sqlite.UTF8ToString(sqlite._sqlite3_sql(value)) === sql) return value;
    } catch {
      // Not a statement: SQLite read outside its memory.
    }
  }
  return null;
}

/** A sql.js statement as a {@link Statement}: each call binds, steps and resets, so it can run again. */
class SqlJsPrepared implements Statement {
  readonly #statement: SqlJsStatement;
  readonly #sqlite: SqliteExports;
  readonly #free: () => void;
  /** SQLite's pointer to the statement, found at the first {@link runMany}; `null` when it cannot be. */
  #pointer: number | null | undefined;

  constructor(statement: SqlJsStatement, sqlite: SqliteExports, free = (): void => void statement.free()) {
    this.#statement = statement;
    this.#sqlite = sqlite;
    this.#free = free;
  }

  run(params: readonly SqlValue[] = []): void {
    this.#statement.run(params as SqlValue[]);
  }

  runMany(rows: readonly (readonly SqlValue[])[]): void {
    if (rows.length === 0) return;
    if (!rows.every((row) => row.every(bindsInBulk))) {
      for (const row of rows) this.run(row);
      return;
    }
    this.runEncoded(encodeRows(rows, rows[0].length));
  }

  runEncoded(rows: EncodedRows): void {
    const { width, text, cells, apart } = rows;
    const stmt = (this.#pointer ??= statementPointer(this.#statement, this.#sqlite));
    if (stmt === null) {
      for (const row of decodeRows(rows)) this.run(row);
      return;
    }
    const sqlite = this.#sqlite;
    // Every string in one block of wasm memory: one malloc and one copy, where sql.js makes a
    // malloc and a copy in JavaScript per string. Those with a surrogate are encoded as sql.js does.
    const base = sqlite._malloc(Math.max(text.length, 1));
    const apartAt = apart.map((v) => sqlite.stringToNewUTF8(v));
    try {
      sqlite.writeArrayToMemory(text, base);
      for (let at = 0, row = 0; at < cells.length; row++) {
        for (let i = 1; i <= width; i++, at += 2) {
          const kind = cells[at];
          if (kind >= 0) sqlite._sqlite3_bind_text(stmt, i, base + kind, cells[at + 1], SQLITE_STATIC);
          else if (kind === NULL_CELL) sqlite._sqlite3_bind_blob(stmt, i, 0, 0, SQLITE_STATIC);
          else if (kind === APART_CELL) sqlite._sqlite3_bind_text(stmt, i, apartAt[cells[at + 1]], sqlite.lengthBytesUTF8(apart[cells[at + 1]]), SQLITE_STATIC);
          else {
            // As sql.js binds a number: a 32-bit integer as one, anything else as a double.
            const v = cells[at + 1];
            if (v === (v | 0)) sqlite._sqlite3_bind_int(stmt, i, v);
            else sqlite._sqlite3_bind_double(stmt, i, v);
          }
        }
        const code = sqlite._sqlite3_step(stmt);
        sqlite._sqlite3_reset(stmt);
        if (code !== SQLITE_DONE && code !== SQLITE_ROW) {
          // Run again by sql.js itself, which throws the error SQLite gives (or, if the row now
          // goes in, has run it once, as asked).
          sqlite._sqlite3_clear_bindings(stmt);
          this.run(decodeRows(rows, row)[0]);
        }
      }
    } finally {
      sqlite._sqlite3_clear_bindings(stmt);
      sqlite._free(base);
      for (const pointer of apartAt) sqlite._free(pointer);
    }
  }

  first(params: readonly SqlValue[] = []): SqlValue[] | undefined {
    const statement = this.#statement;
    try {
      statement.bind(params as SqlValue[]);
      return statement.step() ? (statement.get() as SqlValue[]) : undefined;
    } finally {
      statement.reset();
    }
  }

  all(params: readonly SqlValue[] = []): SqlValue[][] {
    const statement = this.#statement;
    const rows: SqlValue[][] = [];
    try {
      statement.bind(params as SqlValue[]);
      while (statement.step()) rows.push(statement.get() as SqlValue[]);
    } finally {
      statement.reset();
    }
    return rows;
  }

  columns(): string[] {
    return this.#statement.getColumnNames();
  }

  free(): void {
    this.#free();
  }
}
