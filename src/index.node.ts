import { createHash } from 'node:crypto';
import { WorkflowCache as CoreCache } from './cache.js';
import type { Platform } from './platform.js';
import { FsSource } from './sources/node-fs.js';
import { FileStorage } from './storage/file.js';

export * from './index.core.js';
export { FsSource, FileStorage };

const node: Platform = {
  md5: (bytes) => createHash('md5').update(bytes).digest('hex'),
  openSource: (path) => FsSource.open(path),
  openStorage: (path) => new FileStorage(path),
};

/** The workflow cache, with paths read from the file system and databases kept in files. */
export class WorkflowCache extends CoreCache {
  protected static override platform: Platform | undefined = node;
}
