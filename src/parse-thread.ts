import type { FileBytes, ParsedFile } from './parsed-file.js';

/**
 * A worker that hashes, decodes and checks files for a load (a `worker_threads` Worker in Node,
 * a Web Worker in browsers), so that parsing runs on other cores while the calling thread
 * writes. Requests are answered in the order they were sent.
 */
export interface ParseThread {
  /** Sends the files (their bytes are copied); resolves with what each taught, rejects when the worker dies first. */
  parse(files: readonly FileBytes[]): Promise<ParsedFile[]>;
  /**
   * Whether the worker is still parsing a request it was sent, told at once: its answers may be
   * in a message the calling thread has not handled yet. A worker that cannot tell is busy.
   */
  busy(): boolean;
  /** Stops the worker and frees its memory. */
  terminate(): void;
}

/** Starts a parse worker; each runtime's entry point supplies one. */
export type StartParseThread = () => ParseThread;

/** How a runtime parses the files of a large load: the workers it can start, and how many by default. */
export interface ParseThreads {
  start: StartParseThread;
  /** Workers to start for a load, 0 for none. */
  count: number;
}
