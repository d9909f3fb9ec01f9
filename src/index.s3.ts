// `workflow-cache/s3`: workflows and database images in S3-compatible object storage, for Node
// and browsers. Apart from the main entry, so that a cache without buckets carries no signer.
export { S3Source } from './sources/s3.js';
export { S3Storage } from './storage/s3.js';
export type { S3StorageOptions } from './storage/s3.js';
export { S3Error } from './s3/s3-error.js';
export type { S3Credentials, S3Options } from './s3/s3-options.js';
export { isObjectUrl, s3OptionsFromUrl } from './s3/s3-url.js';
export type { S3Environment } from './s3/s3-url.js';
