/**
 * Cron checking that accepts exactly what Go's robfig/cron v3 parser accepts with the options
 * the scheduler uses (SecondOptional | Minute | Hour | Dom | Month | Dow | Descriptor), so a rule
 * flagged here is one the Go scheduler would refuse, and the other way round.
 */

interface FieldBounds {
  name: string;
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const months = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const days = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const fields: readonly FieldBounds[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: months },
  { name: 'day of week', min: 0, max: 6, names: days },
];

const descriptors = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Go's `time.ParseDuration` grammar: `1h30m`, `1.5s`, `-2m`, `0`. */
const goDuration = /^[-+]?(?:0|(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;

/** Returns why `spec` is not a valid cron expression, or `undefined` when it is. */
export function cronError(spec: string): string | undefined {
  if (spec === '') return 'empty spec string';
  let rest = spec;
  if (rest.startsWith('TZ=') || rest.startsWith('CRON_TZ=')) {
    const space = rest.indexOf(' ');
    if (space === -1) return `missing schedule after time zone: ${spec}`;
    const zone = rest.slice(rest.indexOf('=') + 1, space);
    if (!isTimeZone(zone)) return `provided bad location ${zone}`;
    rest = rest.slice(space).trim();
  }
  if (rest.startsWith('@')) return descriptorError(rest);
  const parts = rest.split(/\s+/).filter((f) => f !== '');
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

function descriptorError(spec: string): string | undefined {
  if (descriptors.has(spec)) return undefined;
  if (spec.startsWith('@every ')) {
    const duration = spec.slice('@every '.length);
    return goDuration.test(duration) ? undefined : `failed to parse duration ${spec}`;
  }
  return `unrecognized descriptor: ${spec}`;
}

function isTimeZone(zone: string): boolean {
  if (zone === '' || zone === 'UTC' || zone === 'Local') return true;
  // Intl also takes offsets such as `+01:00`, which Go's LoadLocation does not.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function fieldError(field: string, bounds: FieldBounds): string | undefined {
  // Go splits with FieldsFunc, which drops empty pieces: `1,,2` is `1,2`.
  for (const expr of field.split(',').filter((r) => r !== '')) {
    const problem = rangeError(expr, bounds);
    if (problem) return problem;
  }
  return undefined;
}

function rangeError(expr: string, bounds: FieldBounds): string | undefined {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
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
  let step = 1;
  if (rangeAndStep.length > 2) return `too many slashes: ${expr}`;
  if (rangeAndStep.length === 2) {
    const parsed = nonNegativeInt(rangeAndStep[1]);
    if (typeof parsed === 'string') return parsed;
    step = parsed;
    if (lowAndHigh.length === 1) end = bounds.max; // `N/step` means `N-max/step`
  }
  if (start < bounds.min) return `beginning of range (${start}) below minimum (${bounds.min}): ${expr}`;
  if (end > bounds.max) return `end of range (${end}) above maximum (${bounds.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (step === 0) return `step of range should be a positive number: ${expr}`;
  return undefined;
}

function intOrName(expr: string, names?: Readonly<Record<string, number>>): number | string {
  const named = names && Object.hasOwn(names, expr.toLowerCase()) ? names[expr.toLowerCase()] : undefined;
  return named ?? nonNegativeInt(expr);
}

/** Go's `strconv.Atoi`, then a check for negative numbers; a string is the error. */
function nonNegativeInt(expr: string): number | string {
  if (!/^[+-]?\d+$/.test(expr)) return `failed to parse int from ${expr}`;
  const n = Number(expr);
  if (!Number.isSafeInteger(n)) return `failed to parse int from ${expr}: value out of range`;
  return n < 0 ? `negative number (${n}) not allowed: ${expr}` : n;
}
