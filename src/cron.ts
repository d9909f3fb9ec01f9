/**
 * Cron checking that accepts exactly what Go's robfig/cron v3 parser accepts with the options
 * the scheduler uses (SecondOptional | Minute | Hour | Dom | Month | Dow | Descriptor), so a rule
 * flagged here is one the Go scheduler would refuse, and the other way round. Each step follows
 * robfig's `Parser.Parse` with Go's own helpers: `strings.Fields`, `strconv.Atoi` (int64),
 * `strings.ToLower`, `time.ParseDuration` and `time.LoadLocation`.
 */
import { parseGoDuration } from './go-duration.js';
import { goFields, goToLower, goTrimSpace } from './go-strings.js';
import { intlTimeZoneError } from './time-zones/intl.js';

/** Why Go's `time.LoadLocation` refuses a zone name (past its own name checks), `undefined` when it loads it. */
export type TimeZoneCheck = (name: string) => string | undefined;

let timeZoneError: TimeZoneCheck = intlTimeZoneError;
/** Verdicts of the zone check by name: a file of many phases names the same few zones. */
const zoneVerdicts = new Map<string, string | undefined>();

/** Verdicts by spec: the phases of a load name the same few schedules. They hang on the zone check. */
const specVerdicts = new Map<string, string | undefined>();

/** Verdicts kept at most per map: past it the map starts again, so odd names cannot grow it. */
const MAX_VERDICTS = 1000;

/** The verdict on `key`, worked out once while `verdicts` holds it. */
function remembered(verdicts: Map<string, string | undefined>, key: string, judge: (key: string) => string | undefined): string | undefined {
  if (verdicts.has(key)) return verdicts.get(key);
  const verdict = judge(key);
  if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
  verdicts.set(key, verdict);
  return verdict;
}

/** Sets how `TZ=` names are checked: the Node entry point reads the machine's zoneinfo, as Go does. */
export function useTimeZones(check: TimeZoneCheck): void {
  timeZoneError = check;
  zoneVerdicts.clear();
  specVerdicts.clear();
}

interface FieldBounds {
  name: string;
  min: bigint;
  max: bigint;
  names?: Readonly<Record<string, bigint>>;
}

const months = { jan: 1n, feb: 2n, mar: 3n, apr: 4n, may: 5n, jun: 6n, jul: 7n, aug: 8n, sep: 9n, oct: 10n, nov: 11n, dec: 12n };
const days = { sun: 0n, mon: 1n, tue: 2n, wed: 3n, thu: 4n, fri: 5n, sat: 6n };

const fields: readonly FieldBounds[] = [
  { name: 'second', min: 0n, max: 59n },
  { name: 'minute', min: 0n, max: 59n },
  { name: 'hour', min: 0n, max: 23n },
  { name: 'day of month', min: 1n, max: 31n },
  { name: 'month', min: 1n, max: 12n, names: months },
  { name: 'day of week', min: 0n, max: 6n, names: days },
];

const descriptors = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Returns why `spec` is not a valid cron expression, or `undefined` when it is. */
export function cronError(spec: string): string | undefined {
  return remembered(specVerdicts, spec, specError);
}

function specError(spec: string): string | undefined {
  if (spec === '') return 'empty spec string';
  let rest = spec;
  if (rest.startsWith('TZ=') || rest.startsWith('CRON_TZ=')) {
    // The zone ends at the first ASCII space; robfig slices without checking there is one, so
    // Go panics on `TZ=UTC` alone.
    const space = rest.indexOf(' ');
    if (space === -1) return `missing schedule after time zone: ${spec}`;
    const zone = rest.slice(rest.indexOf('=') + 1, space);
    const bad = loadLocationError(zone);
    if (bad) return `provided bad location ${zone}: ${bad}`;
    rest = goTrimSpace(rest.slice(space));
  }
  if (rest.startsWith('@')) return descriptorError(rest);
  const parts = goFields(rest);
  if (parts.length < 5 || parts.length > 6) {
    return `expected 5 to 6 fields, found ${parts.length}: [${parts.join(' ')}]`;
  }
  if (parts.length === 5) parts.unshift('0');
  for (let i = 0; i < fields.length; i++) {
    const problem = fieldError(parts[i], fields[i]);
    if (problem) return `${fields[i].name}: ${problem}`;
  }
  return undefined;
}

/** `time.LoadLocation`'s own rules, then the zone check for names it looks up. */
function loadLocationError(name: string): string | undefined {
  if (name === '' || name === 'UTC' || name === 'Local') return undefined;
  if (name.includes('..') || name[0] === '/' || name[0] === '\\') return 'time: invalid location name';
  return remembered(zoneVerdicts, name, timeZoneError);
}

function descriptorError(spec: string): string | undefined {
  if (descriptors.has(spec)) return undefined;
  if (spec.startsWith('@every ')) {
    // Any duration Go parses is accepted, zero and negative ones too: robfig runs them every second.
    const duration = parseGoDuration(spec.slice('@every '.length));
    return duration.error === undefined ? undefined : `failed to parse duration ${spec}: ${duration.error}`;
  }
  return `unrecognized descriptor: ${spec}`;
}

function fieldError(field: string, bounds: FieldBounds): string | undefined {
  // Go splits with FieldsFunc, which drops empty pieces: `1,,2` is `1,2` and `,` is no value at all.
  for (const expr of field.split(',').filter((r) => r !== '')) {
    const problem = rangeError(expr, bounds);
    if (problem) return problem;
  }
  return undefined;
}

function rangeError(expr: string, bounds: FieldBounds): string | undefined {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: bigint;
  let end: bigint;
  // Whatever follows a `*` or `?` before the slash is ignored, as robfig ignores it (`*-99`).
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = bounds.min;
    end = bounds.max;
  } else {
    const low = intOrName(lowAndHigh[0], bounds.names);
    if (typeof low === 'string') return low;
    start = low;
    if (lowAndHigh.length > 2) return `too many hyphens: ${expr}`;
    if (lowAndHigh.length === 2) {
      const high = intOrName(lowAndHigh[1], bounds.names);
      if (typeof high === 'string') return high;
      end = high;
    } else {
      end = start;
    }
  }
  let step = 1n;
  if (rangeAndStep.length > 2) return `too many slashes: ${expr}`;
  if (rangeAndStep.length === 2) {
    const parsed = nonNegativeInt(rangeAndStep[1]);
    if (typeof parsed === 'string') return parsed;
    step = parsed; // any size up to 2^63-1: a step past the field's end just picks the start
    if (lowAndHigh.length === 1) end = bounds.max; // `N/step` means `N-max/step`
  }
  if (start < bounds.min) return `beginning of range (${start}) below minimum (${bounds.min}): ${expr}`;
  if (end > bounds.max) return `end of range (${end}) above maximum (${bounds.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (step === 0n) return `step of range should be a positive number: ${expr}`;
  return undefined;
}

function intOrName(expr: string, names?: Readonly<Record<string, bigint>>): bigint | string {
  if (names) {
    const lower = goToLower(expr);
    if (Object.hasOwn(names, lower)) return names[lower];
  }
  return nonNegativeInt(expr);
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Go's `strconv.Atoi` (an optional sign, decimal digits, int64), then robfig's check for negatives; a string is the error. */
function nonNegativeInt(expr: string): bigint | string {
  if (!/^[+-]?[0-9]+$/.test(expr)) return `failed to parse int from ${expr}: invalid syntax`;
  const n = BigInt(expr);
  if (n < INT64_MIN || n > INT64_MAX) return `failed to parse int from ${expr}: value out of range`;
  return n < 0n ? `negative number (${n}) not allowed: ${expr}` : n;
}
