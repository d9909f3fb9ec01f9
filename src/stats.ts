/** The cache operations whose latency is measured. */
export type Operation = 'get' | 'children' | 'search' | 'refresh' | 'save';

export const operations: readonly Operation[] = ['get', 'children', 'search', 'refresh', 'save'];

/** Calls of one operation since the cache opened, and latencies in ms over the latest calls. */
export interface OperationStats {
  count: number;
  errors: number;
  /** Latency percentiles in ms over the last {@link SAMPLES} calls; 0 before any call. */
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** What the database holds. */
export interface DatabaseCounts {
  files: number;
  phases: number;
  /** Phases whose status is not `''`. */
  problems: number;
  /** Files whose last load failed. */
  failedFiles: number;
  /** Earlier versions kept in the history. */
  historyVersions: number;
  /** The database size: page count times page size. */
  databaseBytes: number;
}

/** A cache's counts and latencies, as `cache.stats()` gives them. */
export interface CacheStats extends DatabaseCounts {
  operations: Record<Operation, OperationStats>;
}

/** Latencies kept per operation: enough for a stable p99, small enough to sort on demand. */
export const SAMPLES = 1024;

/** A fixed ring of the latest latencies of one operation. */
class Ring {
  readonly samples = new Float64Array(SAMPLES);
  count = 0;
  errors = 0;

  add(ms: number): void {
    this.samples[this.count % SAMPLES] = ms;
    this.count++;
  }
}

/**
 * Counts calls and errors per operation and keeps their latest latencies, at the cost of one
 * clock read and one array write per call.
 */
export class OperationTimer {
  readonly #rings = Object.fromEntries(operations.map((op) => [op, new Ring()])) as Record<Operation, Ring>;

  /** Runs and times one synchronous call, counting it as an error when it throws. */
  time<T>(op: Operation, work: () => T): T {
    const started = performance.now();
    try {
      return work();
    } catch (error) {
      throw this.#failed(op, error);
    } finally {
      this.#record(op, started);
    }
  }

  /** Runs and times one asynchronous call, counting it as an error when it rejects. */
  async timeAsync<T>(op: Operation, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } catch (error) {
      throw this.#failed(op, error);
    } finally {
      this.#record(op, started);
    }
  }

  #record(op: Operation, startedAt: number): void {
    this.#rings[op].add(performance.now() - startedAt);
  }

  #failed(op: Operation, error: unknown): unknown {
    this.#rings[op].errors++;
    return error;
  }

  snapshot(): Record<Operation, OperationStats> {
    const out = {} as Record<Operation, OperationStats>;
    for (const op of operations) {
      const ring = this.#rings[op];
      const sorted = ring.samples.slice(0, Math.min(ring.count, SAMPLES)).sort();
      out[op] = {
        count: ring.count,
        errors: ring.errors,
        p50: percentile(sorted, 0.5),
        p95: percentile(sorted, 0.95),
        p99: percentile(sorted, 0.99),
        max: sorted.length === 0 ? 0 : sorted[sorted.length - 1],
      };
    }
    return out;
  }
}

/** Nearest-rank percentile of sorted samples; 0 when there are none. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
