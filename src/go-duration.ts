/**
 * Go's `time.ParseDuration`, exactly: the same grammar (`1h30m`, `1.5s`, `-2m`, `.5h`, `0`), the
 * same units (`ns us µs μs ms s m h`) and the same overflow limits (a duration is an int64 of
 * nanoseconds, so `2562048h` is refused and `-2562047h47m16.854775808s` is the smallest one).
 */

const units: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n], // U+00B5 micro sign
  ['μs', 1_000n], // U+03BC Greek mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const TWO_63 = 1n << 63n;

export type GoDuration = { nanoseconds: bigint; error?: undefined } | { error: string };

/** The duration `text` means in nanoseconds, or Go's error for it. */
export function parseGoDuration(text: string): GoDuration {
  const invalid = { error: `time: invalid duration ${JSON.stringify(text)}` };
  let s = text;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { nanoseconds: 0n };
  if (s === '') return invalid;
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s, 0))) return invalid;
    const whole = leadingInt(s);
    if (whole === undefined) return invalid;
    let value = whole.value;
    let consumed = whole.length > 0;
    s = s.slice(whole.length);
    let fraction = { value: 0n, scale: 1, length: 0 };
    if (s[0] === '.') {
      fraction = leadingFraction(s.slice(1));
      consumed ||= fraction.length > 0;
      s = s.slice(1 + fraction.length);
    }
    if (!consumed) return invalid; // `.s`, `-.s`
    let unitLength = 0;
    while (unitLength < s.length && s[unitLength] !== '.' && !isDigit(s, unitLength)) unitLength++;
    if (unitLength === 0) return { error: `time: missing unit in duration ${JSON.stringify(text)}` };
    const unitName = s.slice(0, unitLength);
    s = s.slice(unitLength);
    const unit = units.get(unitName);
    if (unit === undefined) {
      return { error: `time: unknown unit ${JSON.stringify(unitName)} in duration ${JSON.stringify(text)}` };
    }
    if (value > TWO_63 / unit) return invalid;
    value *= unit;
    if (fraction.value > 0n) {
      // Go computes this part in float64, truncated: the same doubles give the same nanoseconds.
      value += BigInt(Math.trunc(Number(fraction.value) * (Number(unit) / fraction.scale)));
      if (value > TWO_63) return invalid;
    }
    // Go adds in uint64, which wraps: 2^63 + 2^63 is 0, so `-9223372036854775808ns9223372036854775808ns` is a duration.
    total = BigInt.asUintN(64, total + value);
    if (total > TWO_63) return invalid;
  }
  if (negative) return { nanoseconds: -total };
  if (total > TWO_63 - 1n) return invalid;
  return { nanoseconds: total };
}

function isDigit(s: string, i: number): boolean {
  return s[i] >= '0' && s[i] <= '9';
}

/** The digits at the start of `s`; `undefined` past 2^63, as Go's `leadingInt` errs. */
function leadingInt(s: string): { value: bigint; length: number } | undefined {
  let value = 0n;
  let i = 0;
  for (; isDigit(s, i); i++) {
    if (value > TWO_63 / 10n) return undefined;
    value = value * 10n + BigInt(s.charCodeAt(i) - 48);
    if (value > TWO_63) return undefined;
  }
  return { value, length: i };
}

/** The digits after a `.`: Go keeps those that fit in an int64 and skips the rest. */
function leadingFraction(s: string): { value: bigint; scale: number; length: number } {
  let value = 0n;
  let scale = 1;
  let overflow = false;
  let i = 0;
  for (; isDigit(s, i); i++) {
    if (overflow) continue;
    if (value > (TWO_63 - 1n) / 10n) {
      overflow = true;
      continue;
    }
    const next = value * 10n + BigInt(s.charCodeAt(i) - 48);
    if (next > TWO_63) {
      overflow = true;
      continue;
    }
    value = next;
    scale *= 10;
  }
  return { value, scale, length: i };
}
