// cronError() against robfig/cron v3's Parser.Parse as written, with the scheduler's options
// (SecondOptional | Minute | Hour | Dom | Month | Dow | Descriptor): a small model of it below,
// transcribed from parser.go and the Go helpers it calls, working on UTF-8 bytes as Go does, and
// generated specs that aim at every branch and at the edges of Go's helpers.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cronError } from '../src/index.node.js';

// ---- The model. Byte strings are Uint8Array; `s(…)` makes one from text. ----

type Bytes = Uint8Array;
const s = (text: string): Bytes => new TextEncoder().encode(text);
const eq = (a: Bytes, b: string): boolean => a.length === s(b).length && a.every((x, i) => x === s(b)[i]);
const hasPrefix = (a: Bytes, p: string): boolean => eq(a.subarray(0, s(p).length), p);

/** utf8.DecodeRune: the rune at `i` and its width; an invalid byte is U+FFFD of width 1. */
function decodeRune(b: Bytes, i: number): [number, number] {
  const c = b[i];
  if (c < 0x80) return [c, 1];
  const width = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
  if (width === 0 || i + width > b.length) return [0xfffd, 1];
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }); // a BOM is a rune here, not a mark to drop
  try {
    const r = text.decode(b.subarray(i, i + width)).codePointAt(0)!;
    return [r, width];
  } catch {
    return [0xfffd, 1];
  }
}

/** unicode.IsSpace: Latin-1's six plus NEL and NBSP, then the White_Space table. */
function isSpace(r: number): boolean {
  if (r <= 0xff) return [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0].includes(r);
  return r === 0x1680 || (r >= 0x2000 && r <= 0x200a) || r === 0x2028 || r === 0x2029 || r === 0x202f || r === 0x205f || r === 0x3000;
}

/** strings.Fields. */
function fields(b: Bytes): Bytes[] {
  const out: Bytes[] = [];
  let start = -1;
  for (let i = 0; i < b.length; ) {
    const [r, w] = decodeRune(b, i);
    if (isSpace(r)) {
      if (start >= 0) out.push(b.subarray(start, i));
      start = -1;
    } else if (start < 0) start = i;
    i += w;
  }
  if (start >= 0) out.push(b.subarray(start));
  return out;
}

/** strings.TrimSpace. */
function trimSpace(b: Bytes): Bytes {
  const runes: Array<{ space: boolean; at: number; end: number }> = [];
  for (let i = 0; i < b.length; ) {
    const [r, w] = decodeRune(b, i);
    runes.push({ space: isSpace(r), at: i, end: i + w });
    i += w;
  }
  const first = runes.findIndex((r) => !r.space);
  if (first < 0) return b.subarray(0, 0);
  const last = runes.findLastIndex((r) => !r.space);
  return b.subarray(runes[first].at, runes[last].end);
}

/** strings.Split on one ASCII byte. */
function split(b: Bytes, sep: string): Bytes[] {
  const c = sep.charCodeAt(0);
  const out: Bytes[] = [];
  let start = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === c) {
      out.push(b.subarray(start, i));
      start = i + 1;
    }
  }
  out.push(b.subarray(start));
  return out;
}

/** strconv.Atoi on a 64-bit machine: `[+-]?[0-9]+` within int64. */
function atoi(b: Bytes): bigint | undefined {
  let i = 0;
  let negative = false;
  if (b[0] === 0x2b || b[0] === 0x2d) {
    negative = b[0] === 0x2d;
    i = 1;
  }
  if (i === b.length) return undefined;
  let n = 0n;
  for (; i < b.length; i++) {
    if (b[i] < 0x30 || b[i] > 0x39) return undefined;
    n = n * 10n + BigInt(b[i] - 0x30);
  }
  if (negative) n = -n;
  return n < -(2n ** 63n) || n > 2n ** 63n - 1n ? undefined : n;
}

/** robfig's mustParseInt: Atoi, then no negatives. */
const mustParseInt = (b: Bytes): bigint | undefined => {
  const n = atoi(b);
  return n === undefined || n < 0n ? undefined : n;
};

/** strings.ToLower compared with an ASCII name: runes that Go lower-cases into ASCII are A-Z, İ (U+0130) and the Kelvin sign (U+212A). */
function lowersTo(b: Bytes, name: string): boolean {
  const lowered: number[] = [];
  for (let i = 0; i < b.length; ) {
    const [r, w] = decodeRune(b, i);
    lowered.push(r >= 0x41 && r <= 0x5a ? r + 32 : r === 0x130 ? 0x69 : r === 0x212a ? 0x6b : r);
    i += w;
  }
  return String.fromCodePoint(...lowered) === name;
}

interface Bounds {
  min: bigint;
  max: bigint;
  names?: string[];
}
const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const dayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const bounds: Bounds[] = [
  { min: 0n, max: 59n },
  { min: 0n, max: 59n },
  { min: 0n, max: 23n },
  { min: 1n, max: 31n },
  { min: 1n, max: 12n, names: monthNames },
  { min: 0n, max: 6n, names: dayNames },
];

function parseIntOrName(b: Bytes, r: Bounds): bigint | undefined {
  const named = r.names?.findIndex((name) => lowersTo(b, name)) ?? -1;
  if (named >= 0) return BigInt(named) + r.min;
  return mustParseInt(b);
}

/** getRange: true when robfig returns no error. */
function getRange(expr: Bytes, r: Bounds): boolean {
  const rangeAndStep = split(expr, '/');
  const lowAndHigh = split(rangeAndStep[0], '-');
  let start: bigint | undefined;
  let end: bigint | undefined;
  let step: bigint | undefined = 1n;
  if (eq(lowAndHigh[0], '*') || eq(lowAndHigh[0], '?')) {
    start = r.min;
    end = r.max;
  } else {
    start = parseIntOrName(lowAndHigh[0], r);
    if (start === undefined) return false;
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], r);
    else return false;
    if (end === undefined) return false;
  }
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]);
    if (step === undefined) return false;
    if (lowAndHigh.length === 1) end = r.max;
  } else if (rangeAndStep.length > 2) return false;
  return start >= r.min && end <= r.max && start <= end && step !== 0n;
}

/** getField: strings.FieldsFunc on ',' drops empty pieces. */
const getField = (field: Bytes, r: Bounds): boolean =>
  split(field, ',')
    .filter((piece) => piece.length > 0)
    .every((piece) => getRange(piece, r));

/** time.ParseDuration: true when it returns no error. */
function parseDuration(b: Bytes): boolean {
  const units: Record<string, bigint> = { ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1000000n, s: 10n ** 9n, m: 60n * 10n ** 9n, h: 3600n * 10n ** 9n };
  const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
  let i = 0;
  let negative = false;
  if (b[0] === 0x2b || b[0] === 0x2d) {
    negative = b[0] === 0x2d;
    i = 1;
  }
  if (b.length - i === 1 && b[i] === 0x30) return true;
  if (i === b.length) return false;
  let d = 0n;
  while (i < b.length) {
    if (!(b[i] === 0x2e || isDigit(b[i]))) return false;
    const pl = i;
    let v = 0n;
    for (; isDigit(b[i]); i++) {
      if (v > 2n ** 63n / 10n) return false;
      v = v * 10n + BigInt(b[i] - 0x30);
      if (v > 2n ** 63n) return false;
    }
    const pre = i !== pl;
    let f = 0n;
    let scale = 1;
    let post = false;
    if (b[i] === 0x2e) {
      i++;
      const fl = i;
      let overflow = false;
      for (; isDigit(b[i]); i++) {
        if (overflow) continue;
        if (f > (2n ** 63n - 1n) / 10n) {
          overflow = true;
          continue;
        }
        const y = f * 10n + BigInt(b[i] - 0x30);
        if (y > 2n ** 63n) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = i !== fl;
    }
    if (!pre && !post) return false;
    const ul = i;
    while (i < b.length && !(b[i] === 0x2e || isDigit(b[i]))) i++;
    if (i === ul) return false;
    const unitName = new TextDecoder().decode(b.subarray(ul, i));
    if (!Object.hasOwn(units, unitName)) return false;
    const unit = units[unitName];
    if (v > 2n ** 63n / unit) return false;
    v *= unit;
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > 2n ** 63n) return false;
    }
    d = BigInt.asUintN(64, d + v); // uint64 arithmetic
    if (d > 2n ** 63n) return false;
  }
  return negative || d <= 2n ** 63n - 1n;
}

/** time.LoadLocation on Unix: its name checks, then $ZONEINFO (as a folder) and Go's folders, opened by the name's bytes. */
function loadLocation(name: Bytes): boolean {
  if (name.length === 0 || eq(name, 'UTC') || eq(name, 'Local')) return true;
  if (name.some((c, i) => c === 0x2e && name[i + 1] === 0x2e) || name[0] === 0x2f || name[0] === 0x5c) return false;
  const sources = [process.env.ZONEINFO ?? '', '/usr/share/zoneinfo/', '/usr/share/lib/zoneinfo/', '/usr/lib/locale/TZ/', '/etc/zoneinfo'];
  return sources.some((dir) => {
    if (dir === '') return false;
    try {
      const data = readFileSync(Buffer.concat([s(dir + '/'), name]));
      return eq(data.subarray(0, 4), 'TZif') && [0x00, 0x32, 0x33].includes(data[4]);
    } catch {
      return false;
    }
  });
}

/** Parser.Parse: true when it returns a schedule. `TZ=` without a space panics in Go: not a schedule either. */
function robfigAccepts(text: string): boolean {
  let spec = s(text);
  if (spec.length === 0) return false;
  if (hasPrefix(spec, 'TZ=') || hasPrefix(spec, 'CRON_TZ=')) {
    const i = spec.indexOf(0x20);
    const eqAt = spec.indexOf(0x3d);
    if (i < 0) return false;
    if (!loadLocation(spec.subarray(eqAt + 1, i))) return false;
    spec = trimSpace(spec.subarray(i));
  }
  if (hasPrefix(spec, '@')) {
    const descriptors = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
    if (descriptors.some((d) => eq(spec, d))) return true;
    return hasPrefix(spec, '@every ') && parseDuration(spec.subarray('@every '.length));
  }
  const parts = fields(spec);
  if (parts.length < 5 || parts.length > 6) return false;
  if (parts.length === 5) parts.unshift(s('0'));
  return parts.every((part, i) => getField(part, bounds[i]));
}

// ---- Generated specs. ----

const numbers = fc.oneof(
  fc.nat(70).map(String),
  fc.constantFrom('00', '05', '+5', '-5', '-0', '+0', '007', '9223372036854775807', '9223372036854775808', '99999999999999999', '18446744073709551616', '-9223372036854775808'),
);
const names = fc.constantFrom('jan', 'DEC', 'Feb', 'sun', 'SAT', 'Mon', 'fri', 'FR\u0130', 'fr\u0130', '\u0130', '\u017Fun', 'S\u212Aat', 'tue', 'THU', 'wed', 'may', 'funday', 'L', 'W', '5#3', '15W', 'x', '');
const atoms = fc.oneof(numbers, names, fc.constantFrom('*', '?'));
const ranges = fc.oneof(atoms, fc.tuple(atoms, atoms).map(([a, b]) => `${a}-${b}`), fc.tuple(atoms, atoms, atoms).map((p) => p.join('-')));
const steps = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 70 }).map(String) }, { weight: 1, arbitrary: numbers }, { weight: 1, arbitrary: names });
const stepped = fc.oneof(
  { weight: 3, arbitrary: ranges },
  { weight: 2, arbitrary: fc.tuple(ranges, steps).map(([r, n]) => `${r}/${n}`) },
  { weight: 1, arbitrary: fc.tuple(ranges, numbers, numbers).map((p) => p.join('/')) },
);
const oddField = fc.oneof(
  { weight: 4, arbitrary: fc.array(stepped, { minLength: 1, maxLength: 3 }).map((list) => list.join(',')) },
  { weight: 1, arbitrary: fc.constantFrom(',', ',,1,', '1,,2', '*,') },
);
// Values every field takes, with steps of any size: most specs built of these are valid, so the edge cases decide.
const small = fc.integer({ min: 1, max: 6 }).map(String);
const plainField = fc.oneof(
  fc.constantFrom('*', '?'),
  small,
  fc.tuple(small, small).map(([a, b]) => `${a}-${b}`),
  fc.tuple(fc.constantFrom('*', '1', '1-5', '?'), steps).map(([r, n]) => `${r}/${n}`),
);
const field = fc.oneof({ weight: 8, arbitrary: plainField }, { weight: 1, arbitrary: oddField });
// Go's spaces (NEL, NBSP, the ideographic space, line separator) and JavaScript's alone (BOM), and neither (ZWSP, the Mongolian vowel separator).
const separators = fc.oneof(
  { weight: 3, arbitrary: fc.constant(' ') },
  { weight: 2, arbitrary: fc.constantFrom('  ', '\t', '\n', '\r\n', '\v', '\f', '\u0085', '\u00a0', '\u3000', '\u2028', '\u202f', '\ufeff', '\u200b', '\u180e') },
);
const padding = fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: separators });
const fieldCount = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(5, 6) }, { weight: 1, arbitrary: fc.integer({ min: 3, max: 8 }) });
const fieldList = fieldCount.chain((n) => fc.array(fc.tuple(field, separators), { minLength: n, maxLength: n }));
// Month and day-of-week names in their own places: ranges of names, names with steps, Go's lower-casing.
const nameField = fc.oneof(names, fc.tuple(names, names).map(([a, b]) => `${a}-${b}`), fc.tuple(names, steps).map(([a, n]) => `${a}/${n}`));
const namedSpecs = fc.tuple(nameField, nameField).map(([month, day]) => [['0', ' '], ['0', ' '], ['*', ' '], [month, ' '], [day, ' ']] as Array<[string, string]>);
const fieldSpecs = fc
  .tuple(padding, fc.oneof({ weight: 4, arbitrary: fieldList }, { weight: 1, arbitrary: namedSpecs }), padding)
  .map(([lead, parts, trail]) => lead + parts.map(([f, sep], i) => (i === 0 ? f : sep + f)).join('') + trail);

const durationParts = fc.tuple(
  fc.constantFrom('', '1', '0', '15', '2562047', '2562048', '9223372036854775807', '9223372036854775808', '00'),
  fc.constantFrom('', '.', '.5', '.854775807', '.854775808', '.0000000000000000000001'),
  fc.constantFrom('h', 'm', 's', 'ms', 'us', '\u00b5s', '\u03bcs', 'ns', 'H', 'd', '', ' ', 'h '),
);
const durations = fc.oneof(
  fc.tuple(fc.constantFrom('', '-', '+'), fc.array(durationParts, { minLength: 1, maxLength: 3 })).map(([sign, parts]) => sign + parts.flat().join('')),
  fc.constantFrom('0', '-0', '+0', '', '-', '2562047h47m16.854775807s', '2562047h47m16.854775808s', '-2562047h47m16.854775808s', '-2562047h47m16.854775809s', '1h30m', '.s', '1.5h'),
);
const descriptorSpecs = fc.oneof(
  fc.constantFrom('@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly', '@reboot', '@Daily', '@daily ', '@daily x', '@every', '@EVERY 1h', '@'),
  durations.map((d) => `@every ${d}`),
  fc.tuple(separators, durations).map(([sep, d]) => `@every${sep}${d}`),
);
const zones = fc.constantFrom(
  ...['', 'UTC', 'Local', 'local', 'utc', 'Etc/UTC', 'America/New_York', 'america/new_york', 'Europe/Paris', 'posix/Europe/Paris', 'right/UTC'],
  ...['Factory', 'America', 'America/', 'Europe//Paris', 'Europe/Paris/', './UTC', 'Etc/../UTC', '/UTC', '\\UTC', 'zone.tab', 'posixrules'],
  ...['Nowhere/Atlantis', 'US/Eastern', 'Zulu', 'zulu', '+01:00', 'Etc/GMT+5', 'UTC\u0085', 'UTC\ufeff', 'UTC\u0000'],
);
const zoneSpecs = fc
  .tuple(fc.constantFrom('TZ=', 'CRON_TZ='), zones, fc.constantFrom(' ', '  ', '\t', '', '\u0085'), fc.oneof(fieldSpecs, descriptorSpecs, fc.constant('')))
  .map((p) => p.join(''));
const cronAlphabet = fc.constantFrom(...'0123456789*?,-/@ \tLW#+.jJaAnNmMoOsSuU'.split(''), '\u0085', '\u0130', '\ufeff');
const anySpecs = fc.oneof(fc.string({ unit: cronAlphabet, maxLength: 24 }), fc.string({ unit: 'binary', maxLength: 24 }));

describe('cronError() agrees with robfig/cron v3 as written', () => {
  const agrees = (spec: string) => (cronError(spec) === undefined) === robfigAccepts(spec);

  it('on specs of fields: numbers, names, ranges, steps, lists and Go-or-JavaScript spaces', () => {
    fc.assert(fc.property(fieldSpecs, agrees), { numRuns: 3000 });
  });

  it('on descriptors and @every with Go durations at and past their int64 limits', () => {
    fc.assert(fc.property(descriptorSpecs, agrees), { numRuns: 2000 });
  });

  it('on TZ= and CRON_TZ= prefixes naming zones that this machine has, has in another case, or cannot have', () => {
    fc.assert(fc.property(zoneSpecs, agrees), { numRuns: 2000 });
  });

  it('on any short text', () => {
    fc.assert(fc.property(anySpecs, agrees), { numRuns: 2000 });
  });

  it('accepts a good share of what it is given, so the agreement is not all refusals', () => {
    const specs = fc.sample(fc.oneof(fieldSpecs, descriptorSpecs, zoneSpecs), { numRuns: 2000, seed: 1 });
    const accepted = specs.filter((spec) => cronError(spec) === undefined).length;
    expect(accepted).toBeGreaterThan(specs.length / 10);
  });
});
