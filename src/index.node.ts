import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { WorkflowCache as CoreCache } from './cache.js';
import { isTracked } from './change-journal.js';
import { useTimeZones } from './cron.js';
import { openSource, openStorage } from './open-location.js';
import type { Platform } from './platform.js';
import { startNodeParseThread } from './parse-thread.node.js';
import { FsSource } from './sources/node-fs.js';
import { FileStorage } from './storage/file.js';
import { zoneinfoTimeZoneError } from './time-zones/zoneinfo.js';
import { watchWorkflows, WorkflowWatcher, type WatchOptions } from './watch.js';

export * from './index.core.js';
export { FsSource, FileStorage, watchWorkflows, WorkflowWatcher };
export type { Refreshable, Reload, WatchOptions } from './watch.js';

// `TZ=` zones in cron rules are the files Go's time.LoadLocation would read on this machine.
useTimeZones(zoneinfoTimeZoneError());

const node: Platform = {
  md5: (bytes) => createHash('md5').update(bytes).digest('hex'),
  openSource,
  openStorage,
  // In Node the worker finds its wasm by itself, from node_modules.
  queryThreads: async () => {
    const { startNodeQueryThread } = await import('./db/query-thread.node.js');
    return () => startNodeQueryThread();
  },
  // This thread writes while the others parse.
  parseThreads: { start: () => startNodeParseThread(), count: Math.max(1, availableParallelism() - 1) },
};

/** The workflow cache, with paths read from the file system and databases kept in files. */
export class WorkflowCache extends CoreCache {
  /** @internal */
  protected static override platform: Platform | undefined = node;

  /**
   * Refreshes this cache whenever its workflow files change: by file events (debounced; polling
   * where events are missing) for a folder or file on disk, by polling every `pollIntervalMs` for
   * any other source (a bucket, memory), until the watcher is stopped.
   * @throws {TypeError} for a bad option
   */
  watch(options: WatchOptions = {}): WorkflowWatcher {
    const source = this.source;
    if (isTracked(source)) return new WorkflowWatcher(this, source.location, source.isDir, options, source);
    return new WorkflowWatcher(this, source.location, source.isDir, { ...options, poll: true });
  }
}
