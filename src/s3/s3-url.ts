import type { S3Options } from './s3-options.js';

/** The environment variables AWS's own tools read, as a plain record (`process.env` in Node). */
export type S3Environment = Readonly<Record<string, string | undefined>>;

const schemes = /^(s3|gs|minio):\/\/([^/?#]*)\/?([^?#]*)$/i;

/** True for `s3://`, `gs://` and `minio://` paths, the Go cache's remote paths. */
export function isObjectUrl(path: string): boolean {
  return /^(s3|gs|minio):\/\//i.test(path);
}

/**
 * The options for `s3://bucket/prefix`, configured as AWS's tools are: `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` (else `AWS_DEFAULT_REGION`) and
 * `AWS_ENDPOINT_URL_S3` (else `AWS_ENDPOINT_URL`), path style whenever an endpoint is given.
 * `gs://` is Google Cloud Storage through its S3-compatible XML API (HMAC keys in the same
 * variables); `minio://` needs the endpoint.
 * @returns the options, and the path after the bucket (a prefix, or a key)
 * @throws {TypeError} for a malformed URL, or `minio://` without an endpoint
 */
export function s3OptionsFromUrl(url: string, env: S3Environment): { options: S3Options; path: string } {
  const match = schemes.exec(url);
  if (!match || match[2] === '') throw new TypeError(`${url}: expected s3://bucket/path (or gs://, minio://)`);
  const scheme = match[1].toLowerCase();
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || (scheme === 'gs' ? 'https://storage.googleapis.com' : undefined);
  if (scheme === 'minio' && endpoint === undefined) {
    throw new TypeError(`${url}: minio:// needs the server's address in AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL), such as http://127.0.0.1:9000`);
  }
  const options: S3Options = { bucket: decodeURIComponent(match[2]), region: env.AWS_REGION || env.AWS_DEFAULT_REGION || (scheme === 'gs' ? 'auto' : 'us-east-1') };
  if (endpoint !== undefined) {
    options.endpoint = endpoint;
    options.forcePathStyle = true;
  }
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    options.credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
    if (env.AWS_SESSION_TOKEN) options.credentials.sessionToken = env.AWS_SESSION_TOKEN;
  }
  return { options, path: decodeURIComponent(match[3]) };
}
