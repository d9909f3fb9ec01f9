// A parse worker that dies at its first request, as one that runs out of memory does.
import { parentPort } from 'node:worker_threads';

parentPort.once('message', () => process.exit(7));
