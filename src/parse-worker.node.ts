// The Node parse worker (worker_threads): hashes, decodes and checks the files it is sent, as
// the calling thread would, and answers with plain data, each request in turn.
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { useTimeZones } from './cron.js';
import { packRows, parseFile, type FileBytes, type ParsedFile } from './parsed-file.js';
import { zoneinfoTimeZoneError } from './time-zones/zoneinfo.js';

const port = parentPort;
if (!port) throw new Error('parse-worker.node.js runs as a worker thread, started by WorkflowCache.open()');
// The checks read `TZ=` zones as the Node entry point has them read.
useTimeZones(zoneinfoTimeZoneError());
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
port.on('message', (files: FileBytes[]) => {
  // A cause stays here: the calling thread rebuilds the error from the failure's fields.
  const parsed = files.map((f): ParsedFile => {
    const p = parseFile(f, md5);
    return p.kind === 'failed' ? { kind: 'failed', key: p.key, failure: p.failure } : p;
  });
  // The rows are handed over, not copied: packed in one buffer, since each buffer handed over
  // costs far more than copying a file's rows into a shared one.
  const buffer = packRows(parsed);
  // Told before the message: the calling thread need not parse in its stead meanwhile.
  Atomics.add((workerData as { answered: Int32Array }).answered, 0, 1);
  port.postMessage(parsed, [buffer]);
});
