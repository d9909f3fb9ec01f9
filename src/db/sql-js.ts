import initSqlJs from 'sql.js';
import { EngineLoadError } from '../errors.js';
import type { Database, Engine, FirstStatement, SqlValue, Statement, WasmConfig } from './engine.js';
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
    (SQL): Engine => ({ open: (image) => new SqlJsConnection(new SQL.Database(image)) }),
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

/** A sql.js connection as a {@link Database}. */
class SqlJsConnection implements Database {
  readonly #db: SqlJsDatabase;

  constructor(db: SqlJsDatabase) {
    this.#db = db;
  }

  prepare(sql: string): Statement {
    return new SqlJsPrepared(this.#db.prepare(sql));
  }

  prepareFirst(sql: string): FirstStatement | undefined {
    const statements = this.#db.iterateStatements(sql);
    try {
      const first = statements.next();
      if (first.done) return undefined;
      const rest = statements.getRemainingSQL();
      // Freed through the iterator: that also frees its own copy of the SQL in wasm memory.
      const free = () => void (statements as Iterator<unknown>).return?.();
      return { statement: new SqlJsPrepared(first.value, free), rest };
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

/** A sql.js statement as a {@link Statement}: each call binds, steps and resets, so it can run again. */
class SqlJsPrepared implements Statement {
  readonly #statement: SqlJsStatement;
  readonly #free: () => void;

  constructor(statement: SqlJsStatement, free = (): void => void statement.free()) {
    this.#statement = statement;
    this.#free = free;
  }

  run(params: readonly SqlValue[] = []): void {
    this.#statement.run(params as SqlValue[]);
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
