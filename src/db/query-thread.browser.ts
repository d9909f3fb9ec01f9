import type { QueryReply, QueryRequest, QueryThread } from './query-thread.js';
import type { WasmConfig } from './engine.js';

/** A worker started ahead, loading sql.js as `config` says, for the next query: starting one costs more than most queries. */
let spare: { worker: Worker; config: WasmConfig } | undefined;

/**
 * Starts a module Web Worker that loads sql.js again, from the wasm this page loaded
 * (`sqlJs.wasmBinary`, else the URL `sqlJs.locateFile` gives, made absolute against the page,
 * since the worker's own base is its script's URL).
 */
function startWorker(config: WasmConfig): Worker {
  // The literal `new Worker(new URL(…, import.meta.url))` is what bundlers (vite, webpack 5)
  // recognise as a worker to bundle with its imports.
  const worker = new Worker(new URL('./query-worker.browser.js', import.meta.url), { type: 'module', name: 'workflow-cache query' });
  const wasm = config.wasmBinary?.slice(0)
    ?? new URL(config.locateFile?.('sql-wasm-browser.wasm') ?? 'sql-wasm-browser.wasm', globalThis.location?.href).href;
  worker.postMessage({ wasm });
  return worker;
}

/** A Web Worker for one query: the spare if it loads the same wasm, and a new spare behind it. */
export function startBrowserQueryThread(config: WasmConfig): QueryThread {
  let worker: Worker;
  if (spare?.config === config) {
    worker = spare.worker;
  } else {
    spare?.worker.terminate();
    worker = startWorker(config);
  }
  spare = undefined;
  return {
    run: (request: QueryRequest) =>
      new Promise<QueryReply>((resolve, reject) => {
        worker.addEventListener('message', (event: MessageEvent<QueryReply>) => resolve(event.data), { once: true });
        worker.addEventListener('error', (event: ErrorEvent) => reject(new Error(event.message || 'the query worker could not start')), { once: true });
        worker.postMessage(request, [request.image.buffer as ArrayBuffer]);
      }),
    terminate: () => {
      worker.terminate();
      spare ??= { worker: startWorker(config), config };
    },
  };
}
