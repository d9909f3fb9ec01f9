import initSqlJs from 'sql.js';

/** Where sql.js finds its wasm, when the default does not fit (browsers: a bundler's URL). */
export interface SqlJsConfig {
  /** Maps the wasm file name (`sql-wasm.wasm` or `sql-wasm-browser.wasm`) to its URL or path. */
  locateFile?: (file: string) => string;
  /** The wasm itself, already fetched. */
  wasmBinary?: ArrayBuffer;
}

export type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;
export type Database = InstanceType<SqlJs['Database']>;
export type Statement = ReturnType<Database['prepare']>;

const loaded = new WeakMap<SqlJsConfig, Promise<SqlJs>>();
const defaultConfig: SqlJsConfig = {};

/**
 * Initialises sql.js once per configuration and shares it; a failed start is not kept, so the
 * next call tries again.
 */
export function loadSqlJs(config: SqlJsConfig = defaultConfig): Promise<SqlJs> {
  let pending = loaded.get(config);
  if (!pending) {
    pending = initSqlJs({ ...config }).catch((error: unknown) => {
      loaded.delete(config);
      throw error;
    });
    loaded.set(config, pending);
  }
  return pending;
}
