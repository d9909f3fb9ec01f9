/**
 * The paths a watcher saw change, for the next refresh to look at and nothing else. Each note
 * is numbered, so that what a refresh was handed is forgotten only once that refresh is done:
 * a path that changes again meanwhile, or a refresh that fails, keeps it for the next one.
 * Until the journal has been complete since a refresh that looked at everything (it starts
 * that way, and returns to it whenever events may have been lost) it hands over nothing.
 */
export class ChangeJournal {
  /** Paths held at most; past this many a full listing costs less than looking at each. */
  readonly #maxPaths: number;
  /** Events taken in since the last refresh that could have been lost; see {@link note}. */
  readonly #maxEvents: number;
  #seq = 0;
  /** Path → the number of its last note. */
  readonly #paths = new Map<string, number>();
  /** The number of the note that lost events, while no refresh that began after it is done. */
  #lostAt: number | undefined = 0;
  /** {@link #seq} when the last refresh was handed what it looked at. */
  #handedAt = 0;

  /**
   * @param maxEvents events between two refreshes past which some may have been lost unseen
   *   (Linux drops events past its inotify queue with nothing Node reports): a full refresh then
   */
  /**
   * @param watchFolders has the watcher watch every folder there is now: run before a folder
   *   that changed is listed, so that nothing written into a new one after it is listed goes unseen
   */
  constructor({ maxPaths = 8192, maxEvents = 8192, watchFolders }: { maxPaths?: number; maxEvents?: number; watchFolders?: () => void } = {}) {
    this.#maxPaths = maxPaths;
    this.#maxEvents = maxEvents;
    this.#watchFolders = watchFolders;
  }

  readonly #watchFolders: (() => void) | undefined;

  /** A changed path is a folder, about to be listed: its watcher (and those below it) must be in place first. */
  watchFolders(): void {
    this.#watchFolders?.();
  }

  /** A path (a file key, or a folder's key without its `/`) changed. */
  note(path: string): void {
    this.#seq++;
    // Kept while events are lost too: a note after the mark of the full refresh under way (a
    // folder made after it listed) is still owed to the refresh after it.
    this.#paths.delete(path); // in note order, so that one noted again is handed over again
    this.#paths.set(path, this.#seq);
    if (this.#paths.size > this.#maxPaths || this.#seq - this.#handedAt > this.#maxEvents) this.lose();
  }

  /** Events may have been missed: the next refresh looks at everything. */
  lose(): void {
    this.#lostAt = ++this.#seq;
    this.#paths.clear();
  }

  /** What changed since the last refresh done: the paths, or `undefined` when everything must be looked at. */
  look(): { mark: number; paths: string[] | undefined } {
    this.#handedAt = this.#seq;
    return { mark: this.#seq, paths: this.#lostAt === undefined ? [...this.#paths.keys()] : undefined };
  }

  /** The refresh handed what {@link look} gave at `mark` is done: those notes are forgotten. */
  done(mark: number): void {
    if (this.#lostAt !== undefined && this.#lostAt <= mark) this.#lostAt = undefined;
    for (const [path, seq] of this.#paths) {
      if (seq > mark) break; // held in note order: the rest came later
      this.#paths.delete(path);
    }
  }
}

/** A source on disk that watchers can tell what they saw change (an `FsSource`, or a wrapper of one that passes this on). */
export interface TrackedSource {
  /** Has the source's refreshes look at what `journal` noted; returns what ends that. */
  track(journal: ChangeJournal): () => void;
}

/** Whether `source` takes a watcher's changes. */
export function isTracked(source: object): source is TrackedSource {
  return typeof (source as Partial<TrackedSource>).track === 'function';
}
