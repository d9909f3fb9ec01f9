/** Where a bucket is and how to reach it: the S3 API of AWS, MinIO, Ceph or GCS's XML API. */
export interface S3Options {
  /** The bucket's name. */
  bucket: string;
  /** A folder inside the bucket; file keys are the paths below it. `wf` and `wf/` are the same. Default: the whole bucket. */
  prefix?: string;
  /** The service's URL, such as `http://127.0.0.1:9000` or `https://storage.googleapis.com`. Default: AWS for the region. */
  endpoint?: string;
  /** Default is `us-east-1`. */
  region?: string;
  /** Without them requests go unsigned (a public bucket). */
  credentials?: S3Credentials;
  /** The bucket in the path, not the host name (MinIO, local servers). Default: `true` when an endpoint is given. */
  forcePathStyle?: boolean;
  /** Default is `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Milliseconds one request may take, body included, before it is abandoned (and retried). Default is 30,000. */
  timeoutMs?: number;
  /** Further tries of a request that failed on the network, timed out, or got 5xx or throttling. Default is 3. */
  retries?: number;
}

/** An access key, as AWS, MinIO or GCS (HMAC keys) issue them. */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const names = ['bucket', 'prefix', 'endpoint', 'region', 'credentials', 'forcePathStyle', 'fetch', 'timeoutMs', 'retries'];

/** The options checked, with defaults: the form every S3 request is built from. */
export interface S3Target {
  bucket: string;
  /** '' or a folder ending in `/`. */
  prefix: string;
  region: string;
  credentials?: S3Credentials;
  fetch: typeof fetch;
  timeoutMs: number;
  retries: number;
  /** The bucket's base URL, ending in `/`: object keys are appended to it, encoded. */
  base: string;
}

/**
 * Checks options at the boundary, so a typo is an error now rather than a request that fails
 * later with a message about something else.
 * @throws {TypeError} for unknown options and values of the wrong kind
 */
export function s3Target(options: S3Options, what: string, extra: readonly string[] = []): S3Target {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${what} needs an options object such as { bucket }`);
  const known = [...names, ...extra];
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) throw new TypeError(`${what}: unknown option "${name}"; expected one of ${known.join(', ')}`);
  }
  const { bucket, endpoint, credentials } = options;
  if (typeof bucket !== 'string' || !/^[a-z0-9][a-z0-9.\-_]{1,62}$/i.test(bucket)) {
    throw new TypeError(`${what}: "bucket" must be a bucket name such as "workflows"; got ${JSON.stringify(bucket)}`);
  }
  if (credentials !== undefined && (typeof credentials?.accessKeyId !== 'string' || typeof credentials.secretAccessKey !== 'string')) {
    throw new TypeError(`${what}: "credentials" needs accessKeyId and secretAccessKey strings`);
  }
  const region = options.region ?? 'us-east-1';
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 3;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new TypeError(`${what}: "timeoutMs" must be a positive integer`);
  if (!Number.isInteger(retries) || retries < 0) throw new TypeError(`${what}: "retries" must be a whole number`);
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') throw new TypeError(`${what}: no fetch here; pass the "fetch" option`);
  let url: URL;
  try {
    url = new URL(endpoint ?? `https://s3.${region}.amazonaws.com`);
  } catch {
    throw new TypeError(`${what}: "endpoint" must be a URL such as http://127.0.0.1:9000; got ${JSON.stringify(endpoint)}`);
  }
  const pathStyle = options.forcePathStyle ?? endpoint !== undefined;
  const root = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  const base = pathStyle
    ? `${url.protocol}//${url.host}${root}${encodeURIComponent(bucket)}/`
    : `${url.protocol}//${bucket}.${url.host}${root}`;
  const target: S3Target = { bucket, prefix: folderPrefix(options.prefix ?? ''), region, fetch: fetchFn, timeoutMs, retries, base };
  if (credentials) target.credentials = credentials;
  return target;
}

/** A prefix as a folder: no leading `/`, one trailing `/`, so `wf` never matches `wf-archive/`. */
function folderPrefix(prefix: string): string {
  if (typeof prefix !== 'string') throw new TypeError('"prefix" must be a string');
  const trimmed = prefix.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}

/** An object's URL: each path segment encoded as S3 signs it (RFC 3986). */
export function objectUrl(target: S3Target, key: string): string {
  return target.base + key.split('/').map(encodeRfc3986).join('/');
}

export function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `s3://bucket/key`, for messages. */
export function s3Name(target: S3Target, key = ''): string {
  return `s3://${target.bucket}/${key}`;
}
