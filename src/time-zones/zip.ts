/**
 * A file stored (not compressed) in a zip archive, found as Go's `time` package finds a zone in
 * `$ZONEINFO` when that names a `.zip` (Go's own `lib/time/zoneinfo.zip` is written that way).
 * `undefined` when the archive has no such file; a string says why the archive cannot be read.
 */
export function storedZipEntry(zip: Uint8Array, zipName: string, name: string): Uint8Array | undefined | string {
  const corrupt = `corrupt zip file ${zipName}`;
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const u16 = (at: number) => (at + 2 <= zip.length ? view.getUint16(at, true) : -1);
  const u32 = (at: number) => (at + 4 <= zip.length ? view.getUint32(at, true) : -1);
  // Go reads the end-of-central-directory record from the last 22 bytes: no archive comment.
  const end = zip.length - 22;
  if (end < 0 || u32(end) !== 0x06054b50) return corrupt;
  const entries = u16(end + 10);
  let at = u32(end + 16);
  if (at + u32(end + 12) > zip.length) return corrupt;
  const wanted = new TextEncoder().encode(name);
  const isWanted = (from: number) => wanted.every((byte, i) => zip[from + i] === byte);
  for (let i = 0; i < entries && u32(at) === 0x02014b50; i++) {
    const method = u16(at + 10);
    const size = u32(at + 24);
    const nameLength = u16(at + 28);
    const offset = u32(at + 42);
    const found = nameLength === wanted.length && isWanted(at + 46);
    at += 46 + nameLength + u16(at + 30) + u16(at + 32);
    if (!found) continue;
    if (method !== 0) return `unsupported compression for ${name} in ${zipName}`;
    if (u32(offset) !== 0x04034b50 || u16(offset + 8) !== method || u16(offset + 26) !== nameLength || !isWanted(offset + 30)) return corrupt;
    const data = offset + 30 + nameLength + u16(offset + 28);
    return data + size <= zip.length ? zip.subarray(data, data + size) : corrupt;
  }
  return undefined;
}
