import { Worker } from 'node:worker_threads';
import type { QueryReply, QueryRequest, QueryThread } from './query-thread.js';

// Not a literal in `new URL(…)`: bundlers would take the worker for an asset of theirs. It lies
// beside this module both in src/ and in dist/, where the build writes it as an entry.
const workerFile = './query-worker.node.js';

/** A `worker_threads` Worker for one query; its JavaScript heap is capped beside SQLite's. */
export function startNodeQueryThread(): QueryThread {
  const worker = new Worker(new URL(workerFile, import.meta.url), {
    resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 },
  });
  return {
    run: (request: QueryRequest) =>
      new Promise<QueryReply>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`the query worker exited (status ${code}) before answering`)));
        worker.postMessage(request, [request.image.buffer as ArrayBuffer]);
      }),
    terminate: () => void worker.terminate(),
  };
}
