import initSqlJs from 'sql.js';
import { SqlJsLoadError } from './errors.js';

/** Where sql.js finds its wasm, when the default does not fit (browsers: a bundler's URL). */
export interface SqlJsConfig {
  /** Maps the wasm file name (`sql-wasm.wasm` or `sql-wasm-browser.wasm`) to its URL or path. */
  locateFile?: (file: string) => string;
  /** The wasm itself, already fetched. */
  wasmBinary?: ArrayBuffer;
}

/** @internal */
export type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;
/** @internal */
export type Database = InstanceType<SqlJs['Database']>;
/** @internal */
export type Statement = ReturnType<Database['prepare']>;

let loaded: Promise<SqlJs> | undefined;

/**
 * Initialises sql.js once and shares it: sql.js keeps a single instance per JavaScript realm
 * anyway, so the first configuration is the one that counts. A failed start is not kept, so the
 * next call tries again.
 * @throws {SqlJsLoadError} when the wasm cannot be fetched or started
 * @internal
 */
export function loadSqlJs(config: SqlJsConfig = {}): Promise<SqlJs> {
  loaded ??= initSqlJs({ ...config }).catch((cause: unknown) => {
    loaded = undefined;
    const where = config.wasmBinary ? 'the wasmBinary given' : (config.locateFile?.('sql-wasm.wasm') ?? "sql.js's own wasm file");
    throw new SqlJsLoadError(
      `cannot start SQLite (sql.js wasm, from ${where}): ${cause instanceof Error ? cause.message : String(cause)}; ` +
        'pass its location as the sqlJs.locateFile option',
      { cause },
    );
  });
  return loaded;
}
