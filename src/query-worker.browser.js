// @ts-check
// The browser query worker (a module Web Worker): loads its own sql.js from the wasm the page
// names, runs one request, answers.
import initSqlJs from 'sql.js';
import { runBounded } from './bounded-query.js';

/** @typedef {import('./query-thread.js').QueryRequest & { wasm: string | ArrayBuffer }} BrowserRequest */

self.addEventListener('message', async (/** @type {MessageEvent<BrowserRequest>} */ event) => {
  const { wasm, ...request } = event.data;
  try {
    const SQL = await initSqlJs(typeof wasm === 'string' ? { locateFile: () => wasm } : { wasmBinary: wasm });
    self.postMessage(runBounded(SQL, request));
  } catch (error) {
    self.postMessage({ ok: false, kind: 'sql', message: `cannot start SQLite in the query worker (${error instanceof Error ? error.message : String(error)})` });
  }
}, { once: true });
