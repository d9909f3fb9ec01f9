import { S3Client, type S3Response } from '../s3/s3-client.js';
import { S3Error } from '../s3/s3-error.js';
import { objectUrl, s3Name, s3Target, type S3Options, type S3Target } from '../s3/s3-options.js';
import type { StorageAdapter } from './storage.js';

/** Where in the bucket the image is kept. */
export interface S3StorageOptions extends S3Options {
  /** The object's key, such as `backups/workflows.sqlite` (the prefix, if given, goes before it). */
  key: string;
}

/** Metadata on each saved image: when it was saved, by the saver's clock. */
const SAVED_AT = 'x-amz-meta-workflow-cache-saved-at';

/**
 * The database image as one object: a save is one whole PUT, so a reader gets the old image or
 * the new one, never a torn one. Several replicas may share the key: each save is conditional on
 * the version this storage last saw (`If-Match`, or `If-None-Match: *` when there was none), and
 * when another replica saved in between, the later save wins and an earlier one is dropped rather
 * than written over a newer image. (Servers that ignore conditional headers make it last writer
 * wins; either way the image is whole.)
 */
export class S3Storage implements StorageAdapter {
  readonly location: string;
  readonly #client: S3Client;
  readonly #key: string;
  /** The ETag of the image this storage last loaded or saved; `null` when the key held none. */
  #etag: string | null | undefined;

  /** @throws {TypeError} for unknown options or values of the wrong kind */
  constructor(options: S3StorageOptions) {
    const { key, ...rest } = options ?? ({} as S3StorageOptions);
    if (typeof key !== 'string' || key === '' || key.endsWith('/')) {
      throw new TypeError(`S3Storage: "key" must name an object such as "workflows.sqlite"; got ${JSON.stringify(key)}`);
    }
    const target = s3Target(rest, 'S3Storage');
    this.#client = new S3Client(target);
    this.#key = target.prefix + key.replace(/^\/+/, '');
    this.location = s3Name(target, this.#key);
  }

  /** Requests sent so far, retries included. */
  get requests(): number {
    return this.#client.requests;
  }

  async load(): Promise<Uint8Array | undefined> {
    const request = { method: 'GET', url: this.#url(), key: this.#key } as const;
    const response = await this.#client.send(request);
    if (response.status === 404 && !isNoSuchBucket(response)) {
      this.#etag = null;
      return undefined;
    }
    if (response.status !== 200) throw this.#client.failure(request, response);
    this.#etag = response.headers.get('etag');
    return response.body;
  }

  async save(image: Uint8Array): Promise<void> {
    const savedAt = Date.now();
    for (let tries = 0; tries < 3; tries++) {
      const response = await this.#put(this.#key, image, savedAt, this.#condition());
      if (response.status === 200) {
        this.#etag = response.headers.get('etag');
        return;
      }
      if (response.status !== 412) throw this.#client.failure({ method: 'PUT', key: this.#key }, response);
      // Another replica saved since this one loaded: overwrite only an image saved before ours.
      const theirs = await this.#head();
      if (theirs === undefined) {
        this.#etag = null;
        continue;
      }
      if (theirs.savedAt >= savedAt) {
        this.#etag = theirs.etag;
        return;
      }
      this.#etag = theirs.etag;
    }
    throw new S3Error(this.location, { status: 412, message: 'PUT failed: the image kept changing under this save (other replicas saving at once); it is saved again at the next change' });
  }

  /** Keeps an unusable image under a new key beside it, never over anything. */
  async moveAside(image: Uint8Array): Promise<string> {
    const stamp = `${this.#key}.unusable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    for (let n = 0; ; n++) {
      const key = n === 0 ? stamp : `${stamp}-${n}`;
      const response = await this.#put(key, image, Date.now(), { 'if-none-match': '*' });
      if (response.status === 200) return s3Name(this.#client.target, key);
      // 412: an image was moved aside under this name in the same millisecond; take the next name.
      if (response.status !== 412 || n === 99) throw this.#client.failure({ method: 'PUT', key }, response);
    }
  }

  #condition(): Record<string, string> {
    if (this.#etag === null) return { 'if-none-match': '*' };
    return this.#etag === undefined ? {} : { 'if-match': this.#etag };
  }

  #put(key: string, image: Uint8Array, savedAt: number, condition: Record<string, string>): Promise<S3Response> {
    const headers = { 'content-type': 'application/vnd.sqlite3', [SAVED_AT]: String(savedAt), ...condition };
    return this.#client.send({ method: 'PUT', url: objectUrl(this.#client.target, key), key, headers, body: image });
  }

  async #head(): Promise<{ etag: string | null; savedAt: number } | undefined> {
    const request = { method: 'HEAD', url: this.#url(), key: this.#key } as const;
    const response = await this.#client.send(request);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw this.#client.failure(request, response);
    return { etag: response.headers.get('etag'), savedAt: Number(response.headers.get(SAVED_AT) ?? 0) || 0 };
  }

  #url(): string {
    return objectUrl(this.#client.target as S3Target, this.#key);
  }
}

function isNoSuchBucket(response: S3Response): boolean {
  return new TextDecoder().decode(response.body.subarray(0, 512)).includes('<Code>NoSuchBucket</Code>');
}
