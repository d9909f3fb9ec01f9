import type { Engine, WasmConfig } from './engine.js';
import { loadSqlJs } from './sql-js.js';

/**
 * Starts the SQLite build the cache runs on, once per page or process (the first configuration
 * counts), and again after a failed start. Today that build is sql.js; another one implements
 * {@link Engine} in a module of its own and is chosen here.
 * @throws {EngineLoadError} when the wasm cannot be fetched or started
 */
export const loadEngine: (config?: WasmConfig) => Promise<Engine> = loadSqlJs;
