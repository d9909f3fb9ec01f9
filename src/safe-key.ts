import { WorkflowCacheError } from './errors.js';

/** C0 controls, DEL and C1 controls: nothing a file name needs, and what terminals act on. */
const control = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Why `key` cannot name a file below a folder, or `undefined` when it can: a key is written
 * into archives and folders (and will come over the network), so it must stay below where it
 * is unpacked on every system, whoever made it.
 */
export function unsafeKeyReason(key: string): string | undefined {
  if (typeof key !== 'string' || key === '') return 'it is empty';
  if (control.test(key)) return 'it has a control character';
  if (key.includes('\\')) return 'it has a backslash, a folder separator on Windows';
  if (key.startsWith('/')) return 'it is an absolute path';
  if (/^[A-Za-z]:/.test(key)) return 'it starts with a drive letter';
  const segments = key.split('/');
  if (segments.includes('..')) return 'it has a ".." segment, which leaves its folder';
  if (segments.includes('.')) return 'it has a "." segment';
  if (segments.includes('')) return 'it has an empty segment (two slashes together, or a slash at the end)';
  return undefined;
}

/** A file key that is not a safe relative path: see {@link unsafeKeyReason}. */
export class UnsafeFileKeyError extends WorkflowCacheError {
  override readonly name = 'UnsafeFileKeyError';
  readonly key: string;
  readonly reason: string;

  constructor(key: string, reason: string) {
    // The key as JSON shows its control characters instead of acting on them.
    super(`file key ${JSON.stringify(key)} is not a safe relative path: ${reason}`);
    this.key = key;
    this.reason = reason;
  }
}

/**
 * Checks that `key` names a file below a folder: relative, with `/` between non-empty
 * segments, none `.` or `..`, no backslash, no control character.
 * @throws {UnsafeFileKeyError} when it does not
 */
export function checkFileKey(key: string): void {
  const reason = unsafeKeyReason(key);
  if (reason !== undefined) throw new UnsafeFileKeyError(key, reason);
}
