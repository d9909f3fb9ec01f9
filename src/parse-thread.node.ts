import { Worker } from 'node:worker_threads';
import type { FileBytes, ParsedFile } from './parsed-file.js';
import type { ParseThread } from './parse-thread.js';

// Not a literal in `new URL(…)`: bundlers would take the worker for an asset of theirs. The build
// writes it beside this module's bundle; from src/ (not built) no such file exists, the worker
// fails to start and the load parses on the calling thread.
const workerFile = './parse-worker.node.js';

/**
 * A `worker_threads` Worker that parses files. It keeps the process alive only while it has
 * requests under way.
 * @param file the worker's script; by default the built one beside this module
 */
export function startNodeParseThread(file: URL = new URL(workerFile, import.meta.url)): ParseThread {
  const waiting: { resolve: (parsed: ParsedFile[]) => void; reject: (error: Error) => void }[] = [];
  let failure: Error | undefined;
  // The worker counts its answers here as it sends them; the messages come later.
  const answered = new Int32Array(new SharedArrayBuffer(4));
  let sent = 0;
  const worker = new Worker(file, { workerData: { answered } });
  worker.unref();
  const fail = (error: Error) => {
    failure ??= error;
    for (const w of waiting.splice(0)) w.reject(failure);
  };
  worker.on('message', (parsed: ParsedFile[]) => {
    waiting.shift()?.resolve(parsed);
    if (waiting.length === 0) worker.unref();
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the parse worker exited (status ${code})`)));
  return {
    parse: (files: readonly FileBytes[]) =>
      new Promise<ParsedFile[]>((resolve, reject) => {
        if (failure) return reject(failure);
        waiting.push({ resolve, reject });
        worker.ref();
        const packed = packBytes(files);
        worker.postMessage(packed.files, [packed.buffer]);
        sent++;
      }),
    busy: () => Atomics.load(answered, 0) < sent,
    terminate: () => {
      fail(new Error('the parse worker was stopped'));
      void worker.terminate();
    },
  };
}

/**
 * The files with their bytes copied into one buffer, each file's a view of it: handing over one
 * buffer costs less than copying each file's bytes in the message, and leaves the caller's own.
 */
function packBytes(files: readonly FileBytes[]): { files: FileBytes[]; buffer: ArrayBuffer } {
  const buffer = new ArrayBuffer(files.reduce((sum, f) => sum + f.bytes.length, 0));
  let at = 0;
  const packed = files.map(({ key, bytes }) => {
    const view = new Uint8Array(buffer, at, bytes.length);
    view.set(bytes);
    at += bytes.length;
    return { key, bytes: view };
  });
  return { files: packed, buffer };
}
