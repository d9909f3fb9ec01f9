import type { QueryReply, QueryRequest, QueryThread } from './query-thread.js';
import type { SqlJsConfig } from './sqljs.js';

/**
 * A module Web Worker for one query. The worker loads sql.js again, from the wasm this page
 * loaded (`sqlJs.wasmBinary`, else the URL `sqlJs.locateFile` gives, made absolute against the
 * page, since the worker's own base is its script's URL).
 */
export function startBrowserQueryThread(sqlJs: SqlJsConfig): QueryThread {
  // The literal `new Worker(new URL(…, import.meta.url))` is what bundlers (vite, webpack 5)
  // recognise as a worker to bundle with its imports.
  const worker = new Worker(new URL('./query-worker.browser.js', import.meta.url), { type: 'module', name: 'workflow-cache query' });
  const wasm = sqlJs.wasmBinary?.slice(0) ?? new URL(sqlJs.locateFile?.('sql-wasm-browser.wasm') ?? 'sql-wasm-browser.wasm', globalThis.location?.href).href;
  return {
    run: (request: QueryRequest) =>
      new Promise<QueryReply>((resolve, reject) => {
        worker.addEventListener('message', (event: MessageEvent<QueryReply>) => resolve(event.data), { once: true });
        worker.addEventListener('error', (event: ErrorEvent) => reject(new Error(event.message || 'the query worker could not start')), { once: true });
        worker.postMessage({ ...request, wasm }, [request.image.buffer as ArrayBuffer]);
      }),
    terminate: () => worker.terminate(),
  };
}
