import { Worker } from 'node:worker_threads';
import type { QueryReply, QueryRequest, QueryThread } from './query-thread.js';

// Not a literal in `new URL(…)`: bundlers would take the worker for an asset of theirs. It lies
// beside this module both in src/ and in dist/, where the build writes it as an entry.
const workerFile = './query-worker.node.js';

/**
 * A worker started ahead, with sql.js loaded, for the next query: starting one costs more than
 * most queries. It does not keep the process alive.
 */
let spare: Worker | undefined;

/** Workers whose thread has ended, so that a spare that died waiting is not handed out. */
const ended = new WeakSet<Worker>();

function startWorker(): Worker {
  const worker = new Worker(new URL(workerFile, import.meta.url), {
    // JavaScript's heap, capped beside SQLite's own (hard_heap_limit, set by the worker).
    resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 },
  });
  worker.unref();
  // A spare's failure while it waits must not end the process; the query that takes it hears of it.
  worker.on('error', () => {});
  worker.once('exit', () => ended.add(worker));
  return worker;
}

/** A `worker_threads` Worker for one query: the spare if there is one, and a new spare behind it. */
export function startNodeQueryThread(): QueryThread {
  const worker = spare && !ended.has(spare) ? spare : startWorker();
  spare = undefined;
  worker.ref();
  const replace = () => {
    spare ??= startWorker();
  };
  return {
    run: (request: QueryRequest) =>
      new Promise<QueryReply>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`the query worker exited (status ${code}) before answering`)));
        worker.postMessage(request, [request.image.buffer as ArrayBuffer]);
      }),
    terminate: () => {
      void worker.terminate();
      replace();
    },
  };
}
