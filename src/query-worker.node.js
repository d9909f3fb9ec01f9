// @ts-check
// The Node query worker (worker_threads): loads its own sql.js, runs one request, answers.
import { parentPort } from 'node:worker_threads';
import initSqlJs from 'sql.js';
import { runBounded } from './bounded-query.js';

const port = parentPort;
if (!port) throw new Error('query-worker.node.js runs as a worker thread, started by queryIsolated()');
port.once('message', async (/** @type {import('./query-thread.js').QueryRequest} */ request) => {
  const SQL = await initSqlJs();
  port.postMessage(runBounded(SQL, request));
});
