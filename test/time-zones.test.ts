// How TZ= zones are checked: in Node, as Go's time.LoadLocation reads zone files ($ZONEINFO, then
// Go's folders); where there are none (browsers, Windows), by Intl's names spelled as the tz
// database spells them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { intlTimeZoneError } from '../src/time-zones/intl.js';
import { isTzif } from '../src/time-zones/tzif.js';
import { zoneinfoTimeZoneError } from '../src/time-zones/zoneinfo.js';
import { useTempDirs } from './helpers.js';

/** A version 2 time zone file of one zone, `abbreviation` at offset 0, as zic writes it. */
function tzif(abbreviation = 'TST'): Uint8Array {
  const chars = new TextEncoder().encode(`${abbreviation}\0`);
  const header = new Uint8Array(44);
  header.set(new TextEncoder().encode('TZif2'));
  const counts = new DataView(header.buffer, 20);
  counts.setUint32(16, 1); // one local time type
  counts.setUint32(20, chars.length);
  const block = new Uint8Array([...header, 0, 0, 0, 0, 0, 0, ...chars]); // type: offset 0, not DST, abbreviation at 0
  return new Uint8Array([...block, ...block, ...new TextEncoder().encode(`\n${abbreviation}0\n`)]);
}

/** A zip archive of files stored without compression, as Go's lib/time/zoneinfo.zip is made (CRCs left 0: Go does not check them). */
function storedZip(files: Record<string, Uint8Array>, method = 0): Uint8Array {
  const parts: number[] = [];
  const central: number[] = [];
  const le = (n: number, bytes: number) => Array.from({ length: bytes }, (_, i) => (n >>> (8 * i)) & 0xff);
  for (const [name, data] of Object.entries(files)) {
    const nameBytes = [...new TextEncoder().encode(name)];
    const offset = parts.length;
    const sizes = [...le(0, 4), ...le(data.length, 4), ...le(data.length, 4)]; // crc, compressed and plain sizes
    parts.push(...le(0x04034b50, 4), ...le(10, 2), ...le(0, 2), ...le(method, 2), ...le(0, 4), ...sizes, ...le(nameBytes.length, 2), ...le(0, 2), ...nameBytes, ...data);
    central.push(...le(0x02014b50, 4), ...le(10, 2), ...le(10, 2), ...le(0, 2), ...le(method, 2), ...le(0, 4), ...sizes, ...le(nameBytes.length, 2));
    central.push(...le(0, 2), ...le(0, 2), ...le(0, 2), ...le(0, 2), ...le(0, 4), ...le(offset, 4), ...nameBytes);
  }
  const count = Object.keys(files).length;
  const end = [...le(0x06054b50, 4), ...le(0, 4), ...le(count, 2), ...le(count, 2), ...le(central.length, 4), ...le(parts.length, 4), ...le(0, 2)];
  return new Uint8Array([...parts, ...central, ...end]);
}

describe('zone files as Go reads them', () => {
  const tempDir = useTempDirs();

  async function zoneinfo(files: Record<string, Uint8Array | string>): Promise<string> {
    const dir = await tempDir();
    for (const [name, data] of Object.entries(files)) {
      await mkdir(join(dir, name, '..'), { recursive: true });
      await writeFile(join(dir, name), data);
    }
    return dir;
  }

  it('finds a zone file below $ZONEINFO', async () => {
    const check = zoneinfoTimeZoneError({ zoneinfo: await zoneinfo({ 'Test/Zone': tzif() }), sources: [] });
    expect(check('Test/Zone')).toBeUndefined();
  });

  it('matches names case-sensitively, as the file system does', async () => {
    const check = zoneinfoTimeZoneError({ zoneinfo: await zoneinfo({ 'Test/Zone': tzif() }), sources: [] });
    expect(check('test/zone')).toBe('unknown time zone test/zone');
  });

  it('looks in each folder in turn', async () => {
    const empty = await zoneinfo({ 'Other/Zone': tzif() });
    const check = zoneinfoTimeZoneError({ zoneinfo: '', sources: [empty, await zoneinfo({ 'Test/Zone': tzif() })] });
    expect(check('Test/Zone')).toBeUndefined();
  });

  it('refuses a file that is not a time zone file', async () => {
    const check = zoneinfoTimeZoneError({ zoneinfo: '', sources: [await zoneinfo({ 'zone.tab': 'FR\t+4852+00220\tEurope/Paris\n' })] });
    expect(check('zone.tab')).toBe('malformed time zone information');
  });

  it('refuses a time zone file whose counts run past its end', async () => {
    const check = zoneinfoTimeZoneError({ zoneinfo: '', sources: [await zoneinfo({ Cut: tzif().subarray(0, 60) })] });
    expect(check('Cut')).toBe('malformed time zone information');
  });

  it('refuses a malformed file below $ZONEINFO without saying why, as Go does', async () => {
    const check = zoneinfoTimeZoneError({ zoneinfo: await zoneinfo({ Cut: tzif().subarray(0, 60) }), sources: [] });
    expect(check('Cut')).toBe('unknown time zone Cut');
  });

  it('refuses a folder', async () => {
    const check = zoneinfoTimeZoneError({ zoneinfo: await zoneinfo({ 'Test/Zone': tzif() }), sources: [] });
    expect(check('Test')).toBe('is a directory');
  });

  it('refuses a name with a NUL, which no file can have', async () => {
    const check = zoneinfoTimeZoneError({ zoneinfo: await zoneinfo({ 'Test/Zone': tzif() }), sources: [] });
    expect(check('Test/Zone\0')).toBe('invalid argument');
  });

  it('finds a zone in a $ZONEINFO that names a .zip', async () => {
    const dir = await zoneinfo({ 'zoneinfo.zip': storedZip({ 'Other/Zone': tzif(), 'Test/Zone': tzif() }) });
    const check = zoneinfoTimeZoneError({ zoneinfo: join(dir, 'zoneinfo.zip'), sources: [] });
    expect(check('Test/Zone')).toBeUndefined();
    expect(check('Test/Gone')).toBe('unknown time zone Test/Gone');
  });

  it('refuses a zone compressed in the .zip, which Go cannot read', async () => {
    const dir = await zoneinfo({ 'zoneinfo.zip': storedZip({ 'Test/Zone': tzif() }, 8) });
    const zip = join(dir, 'zoneinfo.zip');
    expect(zoneinfoTimeZoneError({ zoneinfo: zip, sources: [] })('Test/Zone')).toBe(`unsupported compression for Test/Zone in ${zip}`);
  });

  it('refuses every zone when the .zip is not a zip archive', async () => {
    const dir = await zoneinfo({ 'zoneinfo.zip': 'not a zip' });
    const zip = join(dir, 'zoneinfo.zip');
    expect(zoneinfoTimeZoneError({ zoneinfo: zip, sources: [] })('Test/Zone')).toBe(`corrupt zip file ${zip}`);
  });

  it("falls back to Intl's names on a machine with none of the folders", async () => {
    const missing = join(await tempDir(), 'missing');
    const check = zoneinfoTimeZoneError({ zoneinfo: '', sources: [missing] });
    expect(check('America/New_York')).toBeUndefined();
    expect(check('america/new_york')).toBe('unknown time zone america/new_york');
  });
});

describe('time zone files', () => {
  it('takes a version 1, 2 or 3 file', () => {
    for (const version of [0, 0x32, 0x33]) {
      const data = tzif();
      data[4] = version;
      expect(isTzif(data)).toBe(true);
    }
  });

  it('refuses another version', () => {
    const data = tzif();
    data[4] = 0x35;
    expect(isTzif(data)).toBe(false);
  });

  it('refuses an abbreviation index past the abbreviations', () => {
    const data = tzif();
    data[44 + 44 + 10 + 5] = 9; // the 64-bit block's zone: abbreviation byte 9 of 4
    expect(isTzif(data)).toBe(false);
  });
});

describe("Intl's zone names, spelled as the tz database spells them", () => {
  it.each(['America/New_York', 'Europe/Paris', 'US/Eastern', 'Etc/GMT+5', 'America/Port-au-Prince'])('accepts %s', (zone) => {
    expect(intlTimeZoneError(zone)).toBeUndefined();
  });

  it.each([
    ['utc', 'a name in lower case'],
    ['america/new_york', 'a zone in lower case'],
    ['AMERICA/NEW_YORK', 'a zone in capitals'],
    ['zulu', 'a link in lower case'],
    ['+01:00', 'an offset'],
    ['Nowhere/Atlantis', 'an unknown zone'],
    ['Europe//Paris', 'an empty segment'],
  ])('refuses %s (%s)', (zone) => {
    expect(intlTimeZoneError(zone)).toBe(`unknown time zone ${zone}`);
  });
});
