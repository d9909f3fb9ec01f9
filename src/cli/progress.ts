import type { ReadLimits, SourceEntry, WorkflowSource } from '../sources/source.js';

/** Where progress goes: stderr, or anything with the same shape. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** A load shorter than this shows no progress at all, so quick loads do not flicker. */
const FIRST_DRAW_MS = 300;
/** Redraws at most this often: a terminal is slow next to reading files. */
const REDRAW_MS = 100;

/**
 * A one-line "files read / files listed" counter, redrawn in place on a terminal and silent when
 * the stream is not one (CI logs, pipes).
 */
export class Progress {
  readonly #stream: ProgressStream;
  readonly #label: string;
  readonly #startedAt = Date.now();
  #total = 0;
  #done = 0;
  #drawnAt = 0;
  #shown = false;

  constructor(stream: ProgressStream, label: string) {
    this.#stream = stream;
    this.#label = label;
  }

  start(total: number): void {
    this.#total = total;
    this.#done = 0;
  }

  tick(): void {
    this.#done++;
    const now = Date.now();
    if (!this.#stream.isTTY || now - this.#startedAt < FIRST_DRAW_MS || now - this.#drawnAt < REDRAW_MS) return;
    this.#drawnAt = now;
    this.#shown = true;
    this.#stream.write(`\r${this.#label} ${this.#done}/${this.#total} files`);
  }

  /** Clears the line, if anything was drawn. */
  end(): void {
    if (this.#shown) this.#stream.write('\r\x1b[2K');
    this.#shown = false;
  }
}

/** The source, counting each list and read on `progress`. */
export function withProgress(source: WorkflowSource, progress: Progress): WorkflowSource {
  return {
    isDir: source.isDir,
    location: source.location,
    async list(): Promise<SourceEntry[]> {
      const entries = await source.list();
      progress.start(entries.length);
      return entries;
    },
    async read(key: string, limits?: ReadLimits): Promise<Uint8Array> {
      const bytes = await source.read(key, limits);
      progress.tick();
      return bytes;
    },
  };
}
