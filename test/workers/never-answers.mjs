// A parse worker that takes requests and answers none: they stay under way until it is stopped.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', () => {});
