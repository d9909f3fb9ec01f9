// The floor of a full load spread over worker threads: each reads, hashes and parses the files it
// is sent (node:crypto md5, smol-toml), as readHashParse in figures/loading.mjs does on one thread.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { parse } from 'smol-toml';

parentPort.on('message', (paths) => {
  let phases = 0;
  for (const path of paths) {
    const bytes = readFileSync(path);
    createHash('md5').update(bytes).digest('hex');
    phases += parse(bytes.toString('utf8')).phase.length;
  }
  parentPort.postMessage(phases);
});
