import type { FileFilterOptions } from './sources/file-filter.js';
import { FsSource } from './sources/node-fs.js';
import type { WorkflowSource } from './sources/source.js';
import { FileStorage } from './storage/file.js';
import type { StorageAdapter } from './storage/storage.js';
import { isObjectUrl, s3OptionsFromUrl } from './s3/s3-url.js';

/**
 * The source for a workflows path in Node: a file or folder, or `s3://bucket/prefix` (and `gs://`,
 * `minio://`) configured by the `AWS_*` environment variables. The S3 code loads only when asked.
 * @param filter files of a folder to leave out (not yet for buckets)
 * @throws {TypeError} for a filter with a bucket
 */
export async function openSource(path: string, filter: FileFilterOptions = {}): Promise<WorkflowSource> {
  if (!isObjectUrl(path)) return FsSource.open(path, filter);
  if (filter.ignore !== undefined || filter.include !== undefined) {
    throw new TypeError(`workflows "${path}": ignore and include apply to folders on disk, not yet to buckets; give the bucket a prefix that holds only workflows`);
  }
  const { options, path: prefix } = s3OptionsFromUrl(path, process.env);
  const { S3Source } = await import('./sources/s3.js');
  return new S3Source({ ...options, prefix });
}

/** The storage for a database path in Node: a file, or `s3://bucket/key.sqlite`. */
export async function openStorage(path: string): Promise<StorageAdapter> {
  if (!isObjectUrl(path)) return new FileStorage(path);
  const { options, path: key } = s3OptionsFromUrl(path, process.env);
  const { S3Storage } = await import('./storage/s3.js');
  return new S3Storage({ ...options, key });
}
