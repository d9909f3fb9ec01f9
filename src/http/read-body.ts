import { HttpProblem } from './problem.js';

/**
 * A body's bytes from its chunks, as a file's would be read (no decoding: a byte-order mark or
 * invalid UTF-8 is judged as in a file), refused past `limit` without reading on; a declared
 * length over the limit is refused before anything is read.
 * @throws {HttpProblem} 413 past the limit
 */
export async function readBody(declaredLength: string | null, next: () => Promise<Uint8Array | undefined>, stop: () => void, limit: number): Promise<Uint8Array> {
  const declared = Number(declaredLength ?? NaN);
  if (declared > limit) {
    stop();
    throw new HttpProblem(413, `the body has ${declared} bytes; the limit is ${limit}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let chunk = await next(); chunk !== undefined; chunk = await next()) {
    size += chunk.byteLength;
    if (size > limit) {
      stop();
      throw new HttpProblem(413, `the body is over the limit of ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}
