/**
 * A tar archive (ustar) of text files: one download that keeps the folder layout of the file
 * keys (`group/f3.toml`), and that `tar -xf` unpacks on any system.
 */
import { checkFileKey } from '../../src/safe-key.js';

const BLOCK = 512;
const utf8 = new TextEncoder();

/**
 * The archive of `files`, key to text, in key order.
 * @throws {UnsafeFileKeyError} when a key is not a safe relative path (`../x.toml`, `/abs.toml`):
 * unpacked, it would write outside the folder
 */
export function tarArchive(files: ReadonlyMap<string, string>): Uint8Array {
  for (const key of files.keys()) checkFileKey(key);
  const parts: Uint8Array[] = [];
  const mtime = Math.floor(Date.now() / 1000);
  for (const key of [...files.keys()].sort()) {
    const body = utf8.encode(files.get(key)!);
    parts.push(header(key, body.length, mtime), body, new Uint8Array(padding(body.length)));
  }
  parts.push(new Uint8Array(2 * BLOCK)); // two empty blocks end the archive
  const archive = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    archive.set(p, at);
    at += p.length;
  }
  return archive;
}

function header(name: string, size: number, mtime: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const path = utf8.encode(name);
  // Names over 100 bytes go in the 155-byte prefix field, split at a '/'.
  const split = path.length > 100 ? name.lastIndexOf('/', 155) : -1;
  if (path.length > 100 && (split === -1 || utf8.encode(name.slice(split + 1)).length > 100)) {
    throw new RangeError(`file name too long for a tar archive: ${name}`);
  }
  put(block, 0, split === -1 ? name : name.slice(split + 1));
  if (split !== -1) put(block, 345, name.slice(0, split));
  put(block, 100, octal(0o644, 8));
  put(block, 108, octal(0, 8));
  put(block, 116, octal(0, 8));
  put(block, 124, octal(size, 12));
  put(block, 136, octal(mtime, 12));
  put(block, 148, '        '); // the checksum counts its own field as spaces
  put(block, 156, '0');
  put(block, 257, 'ustar\u000000');
  put(block, 148, octal(block.reduce((sum, byte) => sum + byte, 0), 8));
  return block;
}

function put(block: Uint8Array, at: number, text: string): void {
  block.set(utf8.encode(text), at);
}

/** A zero-padded octal number that fills a field of `width` bytes with its terminating NUL. */
function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\u0000`;
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}
