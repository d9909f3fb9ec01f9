import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { WorkflowCache as CoreCache } from './cache.js';
import type { Platform } from './platform.js';

export * from './index.core.js';

const browser: Platform = {
  md5: (bytes) => bytesToHex(md5(bytes)),
  // A literal `new URL(…, import.meta.url)` is what bundlers (vite, webpack 5, rollup plugins)
  // recognise as an asset: the wasm shipped beside this file in dist/ is copied into the app.
  wasm: { locateFile: () => new URL('./sql-wasm.wasm', import.meta.url).href },
  openSource: async (path) => {
    throw new TypeError(`workflows "${path}": paths need Node; in a browser pass a WorkflowSource such as MemorySource, or S3Source from workflow-cache/s3`);
  },
  openStorage: (path) => {
    throw new TypeError(`storage "${path}": paths need Node; in a browser pass a StorageAdapter such as IndexedDBStorage, or S3Storage from workflow-cache/s3`);
  },
  queryThreads: async () => (await import('./db/query-thread.browser.js')).startBrowserQueryThread,
};

/** The workflow cache, with workflows from a {@link WorkflowSource} and storage such as IndexedDB. */
export class WorkflowCache extends CoreCache {
  /** @internal */
  protected static override platform: Platform | undefined = browser;
}
