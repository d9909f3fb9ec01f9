import type { Database, SqlValue, Statement } from './engine.js';

/**
 * Every statement prepared once and kept for the connection's life, since preparing costs more
 * than a lookup. This relies on the engine keeping prepared statements across
 * {@link Database.export}: sql.js 1.16 does (it copies the database with SQLite's backup API),
 * where 1.14 closed and reopened the database, freeing every statement, so a kept statement
 * failed at its next use after a save. package.json pins sql.js to 1.16 for that reason.
 */
export class StatementCache {
  readonly #db: Database;
  readonly #statements = new Map<string, Statement>();

  constructor(db: Database) {
    this.#db = db;
  }

  /** The statement for `sql`, prepared at its first use. */
  get(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  run(sql: string, params: readonly SqlValue[] = []): void {
    this.get(sql).run(params);
  }

  first(sql: string, params: readonly SqlValue[] = []): SqlValue[] | undefined {
    return this.get(sql).first(params);
  }

  all(sql: string, params: readonly SqlValue[] = []): SqlValue[][] {
    return this.get(sql).all(params);
  }

  /** Frees every statement; the connection stays open. */
  free(): void {
    for (const statement of this.#statements.values()) statement.free();
    this.#statements.clear();
  }
}
