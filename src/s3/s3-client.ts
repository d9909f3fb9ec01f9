import { AwsClient } from 'aws4fetch';
import { S3Error } from './s3-error.js';
import { xmlValue } from './xml.js';
import { s3Name, type S3Target } from './s3-options.js';
import { messageOf } from '../message-of.js';

/** One request, before signing. */
export interface S3Request {
  method: 'GET' | 'HEAD' | 'PUT';
  /** The full URL (from {@link objectUrl} or the bucket's base with a query). */
  url: string;
  /** The object the request is about, for messages; '' for the bucket. */
  key: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

/** What came back: status, headers and the whole body, read within the request's time limit. */
export interface S3Response {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

const retryableStatus = new Set([429, 500, 502, 503, 504]);
const retryableCodes = new Set(['SlowDown', 'RequestTimeout', 'InternalError', 'ServiceUnavailable', 'Throttling', 'ThrottlingException']);

/**
 * Signed requests to one bucket (SigV4, through aws4fetch: a small fetch-based signer in place of
 * the AWS SDK), each with a time limit, retried with backoff on network errors, time-outs, 5xx and
 * throttling. Answers of 4xx come back as they are, for the caller to read (404, 412).
 */
export class S3Client {
  readonly target: S3Target;
  readonly #signer: AwsClient | undefined;
  /** Requests sent, retries included: the figure a "nothing changed" refresh is judged by. */
  requests = 0;

  constructor(target: S3Target) {
    this.target = target;
    const c = target.credentials;
    if (c) {
      this.#signer = new AwsClient({ ...c, service: 's3', region: target.region, retries: 0 });
    }
  }

  /**
   * Sends a request, retrying what can succeed on a second try.
   * @throws {S3Error} when the service cannot be reached, or still fails after the retries
   */
  async send(request: S3Request): Promise<S3Response> {
    for (let attempt = 0; ; attempt++) {
      let failure: { status?: number; code?: string; message: string; cause?: unknown };
      try {
        const response = await this.#once(request);
        const detail = errorOf(response);
        const retryable = retryableStatus.has(response.status) || retryableCodes.has(detail.code ?? '');
        if (!retryable || response.status < 400) return response;
        failure = { status: response.status, ...detail, message: describe(request, response.status, detail) };
      } catch (cause) {
        const timedOut = (cause as Error)?.name === 'TimeoutError';
        const why = timedOut ? `no answer within ${this.target.timeoutMs} ms` : `cannot reach ${new URL(this.target.base).origin} (${causeText(cause)})`;
        failure = { message: `${request.method} failed: ${why}`, cause };
      }
      if (attempt >= this.target.retries) {
        const { cause, ...detail } = failure;
        if (attempt > 0) detail.message += ` (after ${attempt + 1} tries)`;
        throw new S3Error(s3Name(this.target, request.key), detail, cause === undefined ? undefined : { cause });
      }
      await sleep(backoff(attempt));
    }
  }

  async #once(request: S3Request): Promise<S3Response> {
    const init: RequestInit = { method: request.method, headers: request.headers ?? {}, signal: AbortSignal.timeout(this.target.timeoutMs) };
    if (request.body) init.body = request.body as RequestInit['body'];
    this.requests++;
    const signed = this.#signer ? await this.#signer.sign(request.url, init) : new Request(request.url, init);
    // Called unbound: a browser's fetch throws "Illegal invocation" when called on another object.
    const send = this.target.fetch;
    const response = await send(signed, { signal: init.signal! });
    const body = request.method === 'HEAD' ? new Uint8Array(0) : new Uint8Array(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, body };
  }

  /** The error an answer carries, as an S3Error naming the object. */
  failure(request: Pick<S3Request, 'method' | 'key'>, response: S3Response): S3Error {
    const detail = errorOf(response);
    return new S3Error(s3Name(this.target, request.key), { status: response.status, ...detail, message: describe(request, response.status, detail) });
  }
}

function describe(request: Pick<S3Request, 'method'>, status: number, detail: { code?: string; message: string }): string {
  const what = detail.code ? `${status} ${detail.code}` : `${status}`;
  return `${request.method} failed: ${what}${detail.message ? ` (${detail.message})` : ''}`;
}

/** S3's `<Error><Code>…</Code><Message>…</Message></Error>`, when the body has one. */
function errorOf(response: S3Response): { code?: string; message: string } {
  const text = new TextDecoder().decode(response.body.subarray(0, 4096));
  const code = xmlValue(text, 'Code');
  const message = xmlValue(text, 'Message') ?? '';
  return code === undefined ? { message } : { code, message };
}

function causeText(cause: unknown): string {
  const inner = (cause as { cause?: { code?: string; message?: string } })?.cause;
  return inner?.code ?? inner?.message ?? messageOf(cause);
}

/** Full jitter, 100 ms doubling to at most 5 s (AWS's recommended backoff). */
function backoff(attempt: number): number {
  return Math.random() * Math.min(5000, 100 * 2 ** attempt);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
