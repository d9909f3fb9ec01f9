import { parseFile, type FileBytes, type ParsedFile } from './parsed-file.js';
import type { ParseThread, StartParseThread } from './parse-thread.js';

/** Parses the files of a load, somewhere: on this thread or on workers. */
export interface FileParser {
  /** What each file taught, in their order; never rejects. */
  parse(files: readonly FileBytes[]): Promise<ParsedFile[]>;
  /** Stops what the parser started; the process or page keeps nothing of it. */
  close(): void;
}

/** Parses on the calling thread, as the files come. */
export function inlineParser(md5: (bytes: Uint8Array) => string): FileParser {
  return {
    parse: async (files) => files.map((f) => parseFile(f, md5)),
    close: () => {},
  };
}

/**
 * Parses on `count` workers, started at the first request, each given the next request while it
 * has the fewest under way. A worker that fails (it could not start, ran out of memory, crashed)
 * is dropped, and its requests are parsed on the calling thread instead: a worker adds speed,
 * never a way to fail.
 */
export function poolParser(start: StartParseThread, count: number, md5: (bytes: Uint8Array) => string): FileParser {
  let threads: { thread: ParseThread; pending: number }[] | undefined;
  const here = inlineParser(md5);
  return {
    async parse(files) {
      threads ??= startThreads(start, count);
      const worker = threads.reduce<(typeof threads)[number] | undefined>((a, b) => (a === undefined || b.pending < a.pending ? b : a), undefined);
      if (!worker) return here.parse(files);
      worker.pending++;
      try {
        return await worker.thread.parse(files);
      } catch {
        if (threads.includes(worker)) {
          threads.splice(threads.indexOf(worker), 1);
          worker.thread.terminate();
        }
        return here.parse(files);
      } finally {
        worker.pending--;
      }
    },
    close() {
      for (const { thread } of threads ?? []) thread.terminate();
      threads = [];
    },
  };
}

/** The workers that start: one that throws at once (no threads here, no memory) is left out. */
function startThreads(start: StartParseThread, count: number): { thread: ParseThread; pending: number }[] {
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
