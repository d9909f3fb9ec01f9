/** One workflow file as a source lists it. */
export interface SourceEntry {
  /** The file key: the path below the workflows folder with `/` separators, or the file name. */
  key: string;
  /** Bytes, when the source knows them without reading the file. */
  size?: number;
  /** Last modification, ms since the epoch, when the source knows it. */
  mtimeMs?: number;
  /**
   * A token that changes whenever the content does (an object's ETag), when the source has one:
   * a file listed with the version it was last read at is not read again.
   */
  version?: string;
}

/**
 * Where workflow files come from: a folder on disk, files in memory, or anything else that can
 * list and read. Given size and mtime, the cache skips reading files that have not moved.
 */
export interface WorkflowSource {
  /** True when the workflows are a folder of files, false for a single file (Go's `IsDir`). */
  readonly isDir: boolean;
  /** What the source reads, for messages: a path, or a name such as `memory`. */
  readonly location: string;
  /** Every workflow file, in any order. Rejects when the source itself cannot be read. */
  list(): Promise<SourceEntry[]>;
  /** The content of one listed file. */
  read(key: string): Promise<Uint8Array>;
}
