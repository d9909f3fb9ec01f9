import { listObjects } from '../s3/list-objects.js';
import { S3Client } from '../s3/s3-client.js';
import { objectUrl, s3Name, s3Target, type S3Options } from '../s3/s3-options.js';
import { refusedByGo } from './go-path.js';
import { FileTooLargeError, type ReadLimits, type SourceEntry, type WorkflowSource } from './source.js';

/**
 * Workflow files in an S3-compatible bucket, below a prefix: the Go cache's `s3://` paths. Each
 * object's ETag is its version, so a refresh in which nothing changed lists the prefix and reads
 * no object.
 */
export class S3Source implements WorkflowSource {
  readonly isDir = true;
  readonly location: string;
  readonly #client: S3Client;

  /** @throws {TypeError} for unknown options or values of the wrong kind */
  constructor(options: S3Options) {
    const target = s3Target(options, 'S3Source');
    this.#client = new S3Client(target);
    this.location = s3Name(target, target.prefix);
  }

  /** Requests sent so far, retries included. */
  get requests(): number {
    return this.#client.requests;
  }

  /**
   * Every object below the prefix, keyed by the path below it. Zero-byte `…/` folder markers
   * (made by consoles and some tools) are not files.
   */
  async list(): Promise<SourceEntry[]> {
    const { prefix } = this.#client.target;
    const objects = await listObjects(this.#client, prefix);
    // Go runs url.Parse on every s3:// path as on local ones: a key it refuses fails alone.
    return objects
      .filter((o) => o.key.startsWith(prefix) && !o.key.endsWith('/') && o.key.length > prefix.length)
      .map((o) => {
        const key = o.key.slice(prefix.length);
        return refusedByGo(key) ?? { key, size: o.size, version: o.etag };
      });
  }

  /**
   * @throws {S3Error} naming the object, when it cannot be read
   * @throws {FileTooLargeError} when it grew past the limit since it was listed
   */
  async read(key: string, limits?: ReadLimits): Promise<Uint8Array> {
    const target = this.#client.target;
    const request = { method: 'GET', url: objectUrl(target, target.prefix + key), key: target.prefix + key } as const;
    const response = await this.#client.send(request);
    if (response.status !== 200) throw this.#client.failure(request, response);
    if (limits && response.body.byteLength > limits.maxBytes) throw new FileTooLargeError(response.body.byteLength, limits.maxBytes);
    return response.body;
  }
}
