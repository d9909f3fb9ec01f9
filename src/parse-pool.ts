import { parseFile, type FileBytes, type ParsedFile } from './parsed-file.js';
import type { ParseThread, StartParseThread } from './parse-thread.js';

/** Parses the files of a load, somewhere: on this thread or on workers. */
export interface FileParser {
  /** What each file taught, in their order; never rejects. */
  parse(files: readonly FileBytes[]): Promise<ParsedFile[]>;
  /**
   * Parses on this thread, now, the latest request no worker has started on, if there is one and
   * every worker is still parsing: for a caller that would otherwise wait for the workers.
   * Reports whether it parsed one.
   */
  parseWaitingHere(): boolean;
  /** Stops what the parser started; the process or page keeps nothing of it. */
  close(): void;
}

/** Parses on the calling thread, as the files come. */
export function inlineParser(md5: (bytes: Uint8Array) => string): FileParser {
  return {
    parse: async (files) => parseHere(files, md5),
    parseWaitingHere: () => false,
    close: () => {},
  };
}

function parseHere(files: readonly FileBytes[], md5: (bytes: Uint8Array) => string): ParsedFile[] {
  return files.map((f) => parseFile(f, md5));
}

/** Requests under way on a worker: more would only wait in its queue, where this thread cannot take them. */
const QUEUED_PER_WORKER = 2;

type Worker = { thread: ParseThread; pending: number };
type Request = { files: readonly FileBytes[]; resolve: (parsed: ParsedFile[]) => void };

/**
 * Parses on `count` workers, started at the first request, each given the next request while it
 * has fewer than {@link QUEUED_PER_WORKER} under way; the others wait here, where the calling
 * thread may take one ({@link FileParser.parseWaitingHere}). A worker that fails (it could not
 * start, ran out of memory, crashed) is dropped, and its requests are parsed on the calling
 * thread instead: a worker adds speed, never a way to fail.
 */
export function poolParser(start: StartParseThread, count: number, md5: (bytes: Uint8Array) => string): FileParser {
  let threads: Worker[] | undefined;
  const waiting: Request[] = [];
  const send = (worker: Worker, request: Request) => {
    worker.pending++;
    worker.thread.parse(request.files).then(
      (parsed) => {
        worker.pending--;
        request.resolve(parsed);
        dispatch();
      },
      () => {
        worker.pending--;
        if (threads?.includes(worker)) {
          threads.splice(threads.indexOf(worker), 1);
          worker.thread.terminate();
        }
        request.resolve(parseHere(request.files, md5));
        dispatch();
      },
    );
  };
  const dispatch = () => {
    while (waiting.length > 0) {
      // With no worker left, what waits is parsed here.
      if (threads!.length === 0) {
        const request = waiting.shift()!;
        request.resolve(parseHere(request.files, md5));
        continue;
      }
      const worker = threads!.reduce((a, b) => (b.pending < a.pending ? b : a));
      if (worker.pending >= QUEUED_PER_WORKER) return;
      send(worker, waiting.shift()!);
    }
  };
  return {
    parse(files) {
      threads ??= startThreads(start, count);
      return new Promise((resolve) => {
        waiting.push({ files, resolve });
        dispatch();
      });
    },
    parseWaitingHere() {
      // A worker done with its requests is only waiting for its answers to be handled: so is the caller.
      if (threads?.some((w) => !w.thread.busy())) return false;
      const request = waiting.pop();
      if (!request) return false;
      request.resolve(parseHere(request.files, md5));
      return true;
    },
    close() {
      for (const { thread } of threads ?? []) thread.terminate();
      threads = [];
      // Nobody waits for them any more.
      waiting.length = 0;
    },
  };
}

/** The workers that start: one that throws at once (no threads here, no memory) is left out. */
function startThreads(start: StartParseThread, count: number): Worker[] {
  const started = [];
  for (let i = 0; i < count; i++) {
    try {
      started.push({ thread: start(), pending: 0 });
    } catch {
      // Parsed here instead.
    }
  }
  return started;
}
