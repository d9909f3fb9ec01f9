/**
 * Whether bytes are a time zone file Go's `time.LoadLocationFromTZData` takes: the `TZif` magic,
 * a version it knows, and counts that the data bears out. Go refuses anything else found under a
 * zone's name (`zone.tab`, `tzdata.zi`, an empty file) as "malformed time zone information".
 */
export function isTzif(data: Uint8Array): boolean {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < 44 || String.fromCharCode(...data.subarray(0, 4)) !== 'TZif') return false;
  const version = data[4];
  if (version !== 0 && version !== 0x32 && version !== 0x33) return false;
  let at = 20;
  let counts = readCounts(view, at);
  at += 24;
  let timeSize = 4;
  if (version !== 0) {
    // Version 2 and 3 repeat the data with 64-bit times after the 32-bit block: Go reads those.
    at += blockLength(counts, 4) + 20;
    if (at + 24 > data.length) return false;
    counts = readCounts(view, at);
    at += 24;
    timeSize = 8;
  }
  const [, , , times, zones, chars] = counts;
  if (at + blockLength(counts, timeSize) > data.length || zones === 0) return false;
  const zoneIndexes = data.subarray(at + times * timeSize, at + times * timeSize + times);
  const zoneData = at + times * (timeSize + 1);
  for (let i = 0; i < zones; i++) if (data[zoneData + i * 6 + 5] >= chars) return false;
  return zoneIndexes.every((zone) => zone < zones);
}

/** The six big-endian counts of a header: UTC/local and standard/wall indicators, leap seconds, transitions, zones, abbreviation bytes. */
function readCounts(view: DataView, at: number): number[] {
  return Array.from({ length: 6 }, (_, i) => view.getUint32(at + i * 4));
}

function blockLength([utcLocal, stdWall, leaps, times, zones, chars]: number[], timeSize: number): number {
  return times * timeSize + times + zones * 6 + chars + leaps * (timeSize + 4) + stdWall + utcLocal;
}
