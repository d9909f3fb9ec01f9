import { isTracked } from '../change-journal.js';
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

/** Progress lines on screen now: output that must start a line clears them first ({@link clearProgress}). */
const drawn = new Set<Progress>();

/**
 * Clears every progress line on screen, so the next line printed starts at its column 0 (a
 * reload of `watch` draws one and its report would be glued to it). A no-op when none is drawn.
 */
export function clearProgress(): void {
  for (const progress of drawn) progress.end();
}

/**
 * A one-line "files read / files listed" counter, redrawn in place on a terminal and silent when
 * the stream is not one (CI logs, pipes).
 */
export class Progress {
  readonly #stream: ProgressStream;
  readonly #label: string;
  #startedAt = Date.now();
  #total = 0;
  #done = 0;
  #drawnAt = 0;
  #shown = false;

  constructor(stream: ProgressStream, label: string) {
    this.#stream = stream;
    this.#label = label;
  }

  /** A load starts (each refresh of a watch is one): it shows nothing for its first moments either. */
  start(total: number): void {
    this.#startedAt = Date.now();
    this.#total = total;
    this.#done = 0;
  }

  tick(): void {
    this.#done++;
    const now = Date.now();
    if (!this.#stream.isTTY || now - this.#startedAt < FIRST_DRAW_MS || now - this.#drawnAt < REDRAW_MS) return;
    this.#drawnAt = now;
    this.#shown = true;
    drawn.add(this);
    this.#stream.write(`\r${this.#label} ${this.#done}/${this.#total} files`);
  }

  /** Clears the line, if anything was drawn. */
  end(): void {
    if (this.#shown) this.#stream.write('\r\x1b[2K');
    this.#shown = false;
    drawn.delete(this);
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
    // A watcher's changes go on reaching the source, so `watch` refreshes only what events named.
    ...(source.withChanges && { withChanges: source.withChanges.bind(source) }),
    ...(isTracked(source) && { track: source.track.bind(source) }),
  };
}
