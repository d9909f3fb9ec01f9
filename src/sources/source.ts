import { WorkflowCacheError } from '../errors.js';

/** One workflow file as a source lists it, or an entry it could list but cannot load. */
export interface SourceEntry {
  /**
   * The file key: the path below the workflows folder with `/` separators, or the file name.
   * With a `failure`, a key ending in `/` names a folder.
   */
  key: string;
  /** Bytes, when the source knows them without reading the file. Given, it lets the cache refuse a file too large without reading it and bound what it reads at once. */
  size?: number;
  /** Last modification, ms since the epoch, when the source knows it. */
  mtimeMs?: number;
  /**
   * A token that changes whenever the content does (an object's ETag), when the source has one:
   * a file listed with the version it was last read at is not read again.
   */
  version?: string;
  /**
   * Why this entry cannot be loaded, when listing already tells (a folder that cannot be read,
   * a name the Go cache refuses). The entry fails alone, named, and is not read; for a folder,
   * the files known below it keep their phases and are not reported gone.
   */
  failure?: string;
}

/** What a read may return at most. */
export interface ReadLimits {
  /** Bytes of content (after decompression, for a source that decompresses). */
  maxBytes: number;
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
  /**
   * The content of one listed file. A source that can should stop at `limits.maxBytes` and
   * reject with {@link FileTooLargeError}; the cache refuses longer content all the same.
   */
  read(key: string, limits?: ReadLimits): Promise<Uint8Array>;
  /**
   * Optional, for a source that watches its files: runs `apply` with what may have changed since
   * the last `apply` that resolved, so that a refresh looks at those paths only; or with
   * `undefined` when it cannot tell (nothing watched, events that may have been lost), and the
   * cache lists everything. What is handed over counts as seen only once `apply` resolves: a
   * refresh that fails hands it over again.
   */
  withChanges?<T>(apply: (changes: ChangedEntries | undefined) => Promise<T>): Promise<T>;
}

/** The part of a source that may have changed, listed again. */
export interface ChangedEntries {
  /**
   * Keys looked at again: each covers a file of that key and everything below a folder of it
   * (`a/b` covers `a/b` and `a/b/…`). A file known in a scope and not in `entries` is gone.
   */
  scopes: string[];
  /** Every file within the scopes, as {@link WorkflowSource.list} would list it. */
  entries: SourceEntry[];
}

/** A workflow file larger than the size limit (the `maxFileSize` option): refused, not read whole. */
export class FileTooLargeError extends WorkflowCacheError {
  override readonly name = 'FileTooLargeError';
  /** Its size in bytes, when known; a decompressed size is known only to pass the limit. */
  readonly size?: number;
  readonly limit: number;

  constructor(size: number | undefined, limit: number, decompressed = false) {
    const what = size === undefined ? `more than ${limit} bytes` : `${size} bytes`;
    super(`too large (${what}${decompressed ? ' decompressed' : ''}, limit ${limit}); raise the maxFileSize option to load it`);
    if (size !== undefined) this.size = size;
    this.limit = limit;
  }
}

/**
 * The size limit of one workflow file unless the `maxFileSize` option says otherwise: far above
 * any real workflow (a 10 MB file holds 60,000 phases), far below what would exhaust memory.
 */
export const DEFAULT_MAX_FILE_SIZE = 32 * 1024 * 1024;
