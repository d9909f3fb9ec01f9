import {
  QueryError,
  QueryMemoryError,
  QueryResultSizeError,
  QueryRowLimitError,
  QueryTimeoutError,
} from '../errors.js';
import { bindableParams, checkReadOnly, rowObjects, sqliteError, type Bindable } from './read-only.js';
import { messageOf } from '../message-of.js';

/** Bounds on one `queryIsolated()` call. */
export interface QueryLimits {
  /** Wall-clock time before the statement is stopped (its worker terminated). Default: 5,000 ms. */
  timeoutMs?: number;
  /** Rows returned at most; one more is an error, not a cut. Default: 10,000. */
  maxRows?: number;
  /** Bytes of values returned at most (text as UTF-8, blobs as is, 8 a number). Default: 16 MiB. */
  maxBytes?: number;
  /** Memory SQLite may take for the statement (sorting, recursion, values). Default: 128 MiB. */
  maxMemoryBytes?: number;
}

export const defaultLimits: Readonly<Required<QueryLimits>> = {
  timeoutMs: 5_000,
  maxRows: 10_000,
  maxBytes: 16 * 1024 * 1024,
  maxMemoryBytes: 128 * 1024 * 1024,
};

/** What a query worker is asked: one statement on its own copy of the database image. */
export interface QueryRequest {
  image: Uint8Array;
  sql: string;
  params: Bindable[];
  maxRows: number;
  maxBytes: number;
  maxMemoryBytes: number;
}

/** What a query worker answers: the rows as arrays with their column names, or which bound stopped it. */
export type QueryReply =
  | { ok: true; columns: string[]; rows: unknown[][] }
  | { ok: false; kind: 'rows' | 'bytes' | 'memory' | 'sql'; message: string };

/** One worker (a `worker_threads` Worker in Node, a Web Worker in browsers) that runs one request. */
export interface QueryThread {
  /** Sends the request (the image's buffer is handed over); resolves with the reply, rejects when the worker dies first. */
  run(request: QueryRequest): Promise<QueryReply>;
  /** Stops the worker at once, in the middle of a statement if need be, and frees its memory. */
  terminate(): void;
}

/** Starts a query worker; each runtime's entry point supplies one. */
export type StartQueryThread = () => QueryThread;

const limitNames = Object.keys(defaultLimits) as (keyof QueryLimits)[];

/**
 * Checks the limits given and fills in the defaults.
 * @throws {TypeError} for an unknown option
 * @throws {RangeError} for a value that is not a positive whole number
 */
export function readLimits(limits: QueryLimits): Required<QueryLimits> {
  if (typeof limits !== 'object' || limits === null) throw new TypeError('queryIsolated() limits must be an object such as { timeoutMs: 1000 }');
  for (const name of Object.keys(limits)) {
    if (!(limitNames as string[]).includes(name)) throw new TypeError(`unknown option "${name}"; expected one of ${limitNames.join(', ')}`);
  }
  const read = { ...defaultLimits };
  for (const name of limitNames) {
    const value = limits[name];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`the "${name}" option must be a positive whole number, got ${String(value)}`);
    read[name] = value;
  }
  return read;
}

/**
 * Runs one read-only statement in a fresh worker on `image`, a copy of the database, within
 * `limits`; the worker is terminated when the statement ends or runs out of time, so no
 * statement can reach the connection that serves lookups, block the event loop (or tab), or
 * keep memory after it.
 * @throws {QueryError} for anything but one read-only statement, bad SQL or parameters
 * @throws {QueryTimeoutError | QueryRowLimitError | QueryResultSizeError | QueryMemoryError} past a limit
 */
export async function runIsolated(
  start: StartQueryThread,
  image: () => Uint8Array,
  sql: string,
  params: unknown[],
  limits: QueryLimits,
): Promise<Record<string, unknown>[]> {
  const bounds = readLimits(limits);
  checkReadOnly(sql);
  const request: QueryRequest = {
    image: image(),
    sql,
    params: bindableParams(params),
    maxRows: bounds.maxRows,
    maxBytes: bounds.maxBytes,
    maxMemoryBytes: bounds.maxMemoryBytes,
  };
  const thread = start();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueryTimeoutError(bounds.timeoutMs)), bounds.timeoutMs);
    });
    const reply = await Promise.race([thread.run(request), timedOut]).catch((error: unknown) => {
      if (error instanceof QueryError) throw error;
      // A worker that died on its own ran out of memory (Node's resourceLimits), or could not start.
      if (error instanceof Error && /memory/i.test(error.message)) throw new QueryMemoryError(bounds.maxMemoryBytes, { cause: error });
      throw new QueryError(`the query worker failed: ${messageOf(error)}`, { cause: error });
    });
    return toObjects(reply, bounds, sql);
  } finally {
    clearTimeout(timer);
    thread.terminate();
  }
}

function toObjects(reply: QueryReply, bounds: Required<QueryLimits>, sql: string): Record<string, unknown>[] {
  if (!reply.ok) {
    if (reply.kind === 'rows') throw new QueryRowLimitError(bounds.maxRows);
    if (reply.kind === 'bytes') throw new QueryResultSizeError(bounds.maxBytes);
    if (reply.kind === 'memory') throw new QueryMemoryError(bounds.maxMemoryBytes);
    throw sqliteError(new Error(reply.message), sql);
  }
  return rowObjects(reply.columns, reply.rows);
}
