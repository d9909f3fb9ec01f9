import type { Database, SqlValue, Statement } from './engine.js';

/**
 * Every statement prepared once and kept for the connection's life, since preparing costs more
 * than a lookup. What that relies on:
 * - The engine keeps prepared statements across {@link Database.export}. sql.js 1.16 does (it
 *   copies the database with SQLite's backup API); 1.14 freed every statement and reopened the
 *   connection (dropping its pragmas too), so a kept statement failed at its first use after a
 *   save. Hence sql.js 1.16 in package.json, and no older.
 * - Each use leaves its statement reset (see {@link Statement}), so no statement holds a read
 *   open across a save or a transaction boundary.
 * - SQLite prepares a kept statement again by itself when the schema changed under it (the
 *   indexes a first load builds): `sqlite3_prepare_v2` statements do.
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
