// @ts-check
// The Node query worker (worker_threads): loads its own sql.js as soon as it starts, so that a
// worker started ahead of time is ready, then runs one request and answers.
import { parentPort } from 'node:worker_threads';
import initSqlJs from 'sql.js';
import { runBounded } from './bounded-query.js';

const port = parentPort;
if (!port) throw new Error('query-worker.node.js runs as a worker thread, started by queryIsolated()');
const loading = initSqlJs();
port.once('message', async (/** @type {import('./query-thread.js').QueryRequest} */ request) => {
  port.postMessage(runBounded(await loading, request));
});
