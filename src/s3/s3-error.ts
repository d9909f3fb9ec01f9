import { WorkflowCacheError } from '../errors.js';

/** A request to an S3-compatible service failed: names the bucket and key, and what to check. */
export class S3Error extends WorkflowCacheError {
  override readonly name = 'S3Error';
  /** `s3://bucket/key` (or `s3://bucket/` for a listing). */
  readonly url: string;
  /** The HTTP status, when the service answered. */
  readonly status?: number;
  /** S3's error code (`NoSuchBucket`, `AccessDenied`, …), when the service gave one. */
  readonly code?: string;

  constructor(url: string, detail: { status?: number; code?: string; message: string }, options?: ErrorOptions) {
    super(`${url}: ${detail.message}${hint(detail.code, detail.status)}`, options);
    this.url = url;
    if (detail.status !== undefined) this.status = detail.status;
    if (detail.code !== undefined) this.code = detail.code;
  }
}

function hint(code: string | undefined, status: number | undefined): string {
  switch (code) {
    case 'InvalidAccessKeyId':
    case 'SignatureDoesNotMatch':
      return '; check the credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)';
    case 'ExpiredToken':
    case 'InvalidToken':
      return '; the session token expired: renew AWS_SESSION_TOKEN';
    case 'NoSuchBucket':
      return '; check the bucket name and the endpoint';
    case 'AccessDenied':
      return '; the credentials lack permission for this bucket or key';
    default:
      return status === 301 || code === 'PermanentRedirect' ? '; the bucket is in another region: set AWS_REGION or "region"' : '';
  }
}
