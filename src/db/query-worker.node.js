// @ts-check
// The Node query worker (worker_threads): loads its own sql.js as soon as it starts, so that a
// worker started ahead of time is ready, then runs one request and answers.
import { parentPort } from 'node:worker_threads';
import initSqlJs from 'sql.js';
import { runBounded } from './bounded-query.js';
import { messageOf } from '../message-of.js';

const port = parentPort;
if (!port) throw new Error('query-worker.node.js runs as a worker thread, started by queryIsolated()');
const loading = initSqlJs();
// Reported with the request, not as the worker's death before it.
loading.catch(() => {});
port.once('message', async (/** @type {import('./query-thread.js').QueryRequest} */ request) => {
  try {
    port.postMessage(runBounded(await loading, request));
  } catch (error) {
    port.postMessage({ ok: false, kind: 'sql', message: `cannot start SQLite in the query worker (${messageOf(error)})` });
  }
});
