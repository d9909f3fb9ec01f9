// A parse worker that answers nothing and exits at its second request: the first stays unanswered.
import { parentPort } from 'node:worker_threads';

let seen = 0;
parentPort.on('message', () => {
  if (++seen === 2) process.exit(1);
});
