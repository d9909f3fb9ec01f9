// @ts-check
// The browser query worker (a module Web Worker): its first message names the wasm the page
// loaded, and it loads its own sql.js from it at once, so that a worker started ahead of time
// is ready; its second message is the one request it runs and answers.
import initSqlJs from 'sql.js';
import { runBounded } from './bounded-query.js';
import { messageOf } from '../message-of.js';

/** @type {Promise<import('sql.js').SqlJsStatic> | undefined} */
let loading;

self.addEventListener('message', async (/** @type {MessageEvent<{ wasm: string | ArrayBuffer } | import('./query-thread.js').QueryRequest>} */ event) => {
  const data = event.data;
  if ('wasm' in data) {
    const wasm = data.wasm;
    loading = initSqlJs(typeof wasm === 'string' ? { locateFile: () => wasm } : { wasmBinary: wasm });
    // Kept for the request, which reports it.
    loading.catch(() => {});
    return;
  }
  try {
    if (!loading) throw new Error('no wasm was named');
    self.postMessage(runBounded(await loading, data));
  } catch (error) {
    self.postMessage({ ok: false, kind: 'sql', message: `cannot start SQLite in the query worker (${messageOf(error)})` });
  }
});
