import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RefreshError, StorageError, WorkflowCacheError } from '../errors.js';
import type { WorkflowCache } from '../cache.js';
import { WorkflowCache as NodeCache } from '../index.node.js';
import { openSource, openStorage } from '../open-location.js';
import type { FileFilterOptions } from '../sources/file-filter.js';
import { isObjectUrl } from '../s3/s3-url.js';
import { printable } from './printable.js';
import { Progress, withProgress } from './progress.js';
import { UsageError } from './usage.js';

/**
 * Opens a cache on a workflows path (or `s3://bucket/prefix`), kept in `db` (a file or
 * `s3://bucket/key`) when given, reading the files `filter` leaves, with a progress line on a terminal.
 * Warnings other than failed files (which the cache keeps and the commands report) go to stderr;
 * `onWarning` sees them all.
 * @throws {WorkflowPathError} when the path does not exist
 * @throws {UsageError} when the database's folder does not exist, or a filter is given for a bucket
 */
export async function openWorkflows(
  path: string,
  db?: string,
  filter: FileFilterOptions = {},
  onWarning?: (warning: WorkflowCacheError) => void,
): Promise<NodeCache> {
  if (db !== undefined && !isObjectUrl(db)) await checkFolder(db);
  const source = await openSource(path, filter).catch((error: unknown) => {
    throw error instanceof TypeError ? new UsageError(error.message) : error;
  });
  const progress = new Progress(process.stderr, `loading ${printable(path)}:`);
  try {
    return await NodeCache.open({
      workflows: withProgress(source, progress),
      ...(db === undefined ? {} : { storage: db }),
      onWarning: (warning: WorkflowCacheError) => {
        onWarning?.(warning);
        if (!(warning instanceof RefreshError)) process.stderr.write(`warning: ${printable(warning.message)}\n`);
      },
    });
  } finally {
    progress.end();
  }
}

/**
 * Opens a database file written by workflow-cache, to read: nothing is saved back and no lock
 * is taken, so it works beside a running `watch`.
 * @throws {UsageError} when the file does not exist or is not a workflow-cache database
 */
export async function openDatabaseFile(path: string): Promise<WorkflowCache> {
  const remote = isObjectUrl(path);
  if (!remote && !(await stat(path).then((s) => s.isFile(), () => false))) throw new UsageError(`database ${path}: does not exist`);
  try {
    return await NodeCache.openSaved({ storage: remote ? await openStorage(path) : path });
  } catch (error) {
    if (error instanceof StorageError) throw new UsageError(`database ${error.message}`);
    throw error;
  }
}

async function checkFolder(db: string): Promise<void> {
  const folder = dirname(db);
  const isDir = await stat(folder).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new UsageError(`database ${db}: folder ${folder} does not exist`);
}
