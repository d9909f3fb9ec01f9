// cronError(): a cron is valid exactly when Go's robfig/cron v3 parser (SecondOptional | Minute |
// Hour | Dom | Month | Dow | Descriptor) accepts it. Each verdict below was read from robfig's
// parser.go and the Go functions it calls (time.ParseDuration, strconv.Atoi, strings.Fields,
// strings.ToLower, time.LoadLocation).
import { describe, expect, it } from 'vitest';
import { cronError } from '../src/index.node.js';
import { toml, useCaches } from './helpers.js';

describe('cron expressions robfig/cron v3 accepts', () => {
  it.each([
    ['five fields', '0 0 * * *'],
    ['six fields, seconds first', '30 0 0 * * *'],
    ['? in place of *', '0 0 ? * ?'],
    ['? in any field, seconds too', '? ? ? ? ? ?'],
    ['day-of-week names', '0 0 * * SUN'],
    ['lower-case month names', '0 0 1 jan *'],
    ['names in any case', '0 0 * * sUn'],
    ['name ranges', '0 9 * * mon-fri'],
    ['a name and a number in one range', '0 0 * 1-dec *'],
    ['a name with a step', '0 0 * jan/2 *'],
    ['lists', '0,15,30,45 * * * *'],
    ['empty list items, which Go drops', ',,1,, * * * *'],
    ['a field of commas alone', ', * * * *'],
    ['steps on *', '*/15 * * * *'],
    ['steps on a range', '0-30/5 * * * *'],
    ['a start with a step', '5/10 * * * *'],
    ['a step past the end of the field', '0-59/60 * * * *'],
    ['text after * and a hyphen, which robfig ignores', '*-99 * * * *'],
    ['a plus sign, which strconv.Atoi takes', '+5 * * * *'],
    ['leading zeros', '00000000000000000000000005 * * * *'],
    ['day of week 6', '0 0 * * 6'],
    ['spaces around the fields', '  0 0 * * *  '],
    ['tabs and line ends between fields', '0\t0\n*\r\n* *'],
    ['@yearly', '@yearly'],
    ['@annually', '@annually'],
    ['@monthly', '@monthly'],
    ['@weekly', '@weekly'],
    ['@daily', '@daily'],
    ['@midnight', '@midnight'],
    ['@hourly', '@hourly'],
    ['the jobs fixture cron', '1 2 */6 4 5 SUN'],
  ])('accepts %s: %j', (_, spec) => {
    expect(cronError(spec)).toBeUndefined();
  });
});

describe('cron expressions robfig/cron v3 rejects', () => {
  it.each([
    ['an empty spec', ''],
    ['four fields', '0 0 * *'],
    ['seven fields', '0 0 0 * * * *'],
    ['L (last day)', '0 0 L * *'],
    ['W (weekday)', '0 0 15W * *'],
    ['# (nth weekday)', '0 0 * * 5#3'],
    ['day of week 7', '0 0 * * 7'],
    ['a zero step', '*/0 * * * *'],
    ['a negative step', '*/-1 * * * *'],
    ['a step that is not a number', '*/x * * * *'],
    ['a step that is a name', '0 0 * * */mon'],
    ['two slashes', '1/2/3 * * * *'],
    ['two hyphens', '1-2-3 * * * *'],
    ['a range without an end', '5- * * * *'],
    ['a step without a range', '/5 * * * *'],
    ['a minus sign, read as a range without a start', '-5 * * * *'],
    ['a minute of 60', '60 * * * *'],
    ['an hour of 24', '0 24 * * *'],
    ['a day of month of 0', '0 0 0 * *'],
    ['a day of month of 32', '0 0 32 * *'],
    ['a month of 13', '0 0 * 13 *'],
    ['a range that runs backwards', '0 0 * * 5-1'],
    ['a range past the end of the field', '0 0 * * mon-7'],
    ['a month name in the day-of-month field', '0 0 JAN * *'],
    ['an unknown name', '0 0 * * funday'],
    ['a word', 'invalid'],
  ])('rejects %s: %j', (_, spec) => {
    expect(cronError(spec)).toEqual(expect.any(String));
  });

  it('says which field is wrong', () => {
    expect(cronError('0 24 * * *')).toBe('hour: end of range (24) above maximum (23): 24');
  });

  it('says how many fields it found', () => {
    expect(cronError('0 0 * *')).toBe('expected 5 to 6 fields, found 4: [0 0 * *]');
  });
});

describe('numbers: strconv.Atoi takes any int64', () => {
  it('accepts a step far past the field, up to 2^63-1', () => {
    expect(cronError('*/99999999999999999 * * * *')).toBeUndefined();
    expect(cronError('59/9223372036854775807 * * * * *')).toBeUndefined();
  });

  it('refuses a step of 2^63, past int64', () => {
    expect(cronError('*/9223372036854775808 * * * *')).toBe('minute: failed to parse int from 9223372036854775808: value out of range');
  });

  it('reads a value inside int64 and then finds it out of range', () => {
    expect(cronError('9223372036854775807 * * * *')).toBe(
      'minute: end of range (9223372036854775807) above maximum (59): 9223372036854775807',
    );
  });
});

describe('names: strings.ToLower maps one code point at a time', () => {
  it('reads FRİ (capital I with dot above, U+0130) as fri, whose simple lower case is i', () => {
    expect(cronError('0 0 * * FR\u0130')).toBeUndefined();
  });

  it('refuses a lone İ, which names nothing', () => {
    expect(cronError('0 0 * * \u0130')).toBe('day of week: failed to parse int from \u0130: invalid syntax');
  });

  it('refuses ſun (long s, U+017F), which Go does not lower-case to s', () => {
    expect(cronError('0 0 * * \u017Fun')).toEqual(expect.any(String));
  });
});

describe("fields split on Go's unicode.IsSpace", () => {
  it.each([
    ['next line (U+0085)', '\u0085'],
    ['no-break space (U+00A0)', '\u00a0'],
    ['ideographic space (U+3000)', '\u3000'],
    ['line separator (U+2028)', '\u2028'],
  ])('splits on %s', (_, space) => {
    expect(cronError(`0${space}0 * * *`)).toBeUndefined();
    expect(cronError(`0 0 * * *${space}`)).toBeUndefined();
  });

  it.each([
    ['a byte-order mark (U+FEFF), which JavaScript counts as a space', '\ufeff'],
    ['a zero-width space (U+200B)', '\u200b'],
    ['the Mongolian vowel separator (U+180E), no longer a space since Unicode 6.3', '\u180e'],
  ])('does not split on %s', (_, notSpace) => {
    expect(cronError(`0${notSpace}0 * * *`)).toBe(`expected 5 to 6 fields, found 4: [0${notSpace}0 * * *]`);
    expect(cronError(`${notSpace}0 0 * * *`)).toBe(`minute: failed to parse int from ${notSpace}0: invalid syntax`);
  });
});

describe('descriptors', () => {
  it.each([
    ['trailing text', '@daily extra'],
    ['a trailing space', '@daily '],
    ['another case', '@Daily'],
    ['an unknown name', '@reboot'],
  ])('refuses a descriptor with %s: %j', (_, spec) => {
    expect(cronError(spec)).toBe(`unrecognized descriptor: ${spec}`);
  });

  it('refuses a descriptor after a leading space, read as one field', () => {
    expect(cronError(' @daily')).toBe('expected 5 to 6 fields, found 1: [@daily]');
  });

  it('takes spaces around a descriptor after a time zone, which robfig trims', () => {
    expect(cronError('TZ=UTC  @daily ')).toBeUndefined();
  });
});

describe('@every takes what time.ParseDuration takes', () => {
  it.each([
    ['hours and minutes', '1h30m'],
    ['fractions', '1.5s'],
    ['a fraction without a leading digit', '.5h'],
    ['a point without a fraction', '5.h'],
    ['micro signs', '1µs1μs1us'],
    ['zero without a unit', '0'],
    ['zero with a sign', '-0'],
    ['a negative duration, which robfig runs every second', '-1h'],
    ['the largest duration', '2562047h47m16.854775807s'],
    ['the smallest duration', '-2562047h47m16.854775808s'],
    ['2^63 nanoseconds twice, whose uint64 sum wraps to 0 in Go', '9223372036854775808ns9223372036854775808ns'],
    ['more fraction digits than int64 holds', '1.0000000000000000000000001s'],
  ])('accepts %s: %s', (_, duration) => {
    expect(cronError(`@every ${duration}`)).toBeUndefined();
  });

  it.each([
    ['2562048h', '2562048h', 'time: invalid duration "2562048h"'],
    ['one nanosecond past the largest', '2562047h47m16.854775808s', 'time: invalid duration "2562047h47m16.854775808s"'],
    ['one nanosecond below the smallest', '-2562047h47m16.854775809s', 'time: invalid duration "-2562047h47m16.854775809s"'],
    ['a number without a unit', '1', 'time: missing unit in duration "1"'],
    ['an upper-case unit', '1H', 'time: unknown unit "H" in duration "1H"'],
    ['days', '1d', 'time: unknown unit "d" in duration "1d"'],
    ['a trailing space', '1h ', 'time: unknown unit "h " in duration "1h "'],
    ['a point alone', '.h', 'time: invalid duration ".h"'],
    ['nothing', '', 'time: invalid duration ""'],
  ])('refuses %s', (_, duration, why) => {
    expect(cronError(`@every ${duration}`)).toBe(`failed to parse duration @every ${duration}: ${why}`);
  });

  it('refuses two spaces after @every', () => {
    expect(cronError('@every  1h')).toBe('failed to parse duration @every  1h: time: invalid duration " 1h"');
  });

  it('refuses @every without a duration', () => {
    expect(cronError('@every')).toBe('unrecognized descriptor: @every');
  });
});

describe("TZ= and CRON_TZ= zones, as time.LoadLocation finds them on this machine's zoneinfo", () => {
  it.each([
    ['UTC', 'TZ=UTC 0 0 * * *'],
    ['a zone name', 'CRON_TZ=America/New_York 0 0 * * *'],
    ['an empty name, UTC to Go', 'TZ= 0 0 * * *'],
    ['Local', 'TZ=Local 0 0 * * *'],
    ['a zone before a descriptor', 'TZ=Europe/Paris @daily'],
    ['a link (backward name)', 'TZ=US/Eastern 0 0 * * *'],
    ["Debian's posix/ tree", 'TZ=posix/Europe/Paris 0 0 * * *'],
    ["Debian's right/ tree (with leap seconds)", 'TZ=right/UTC 0 0 * * *'],
    ['Factory', 'TZ=Factory 0 0 * * *'],
    ['a doubled slash, which the file system reads as one', 'TZ=Europe//Paris 0 0 * * *'],
  ])('accepts %s: %s', (_, spec) => {
    expect(cronError(spec)).toBeUndefined();
  });

  it.each([
    ['a lower-case utc: only UTC is built in, and no file is named utc', 'utc', 'unknown time zone utc'],
    ['a zone in another case', 'america/new_york', 'unknown time zone america/new_york'],
    ['a lower-case local', 'local', 'unknown time zone local'],
    ['an unknown zone', 'Nowhere/Atlantis', 'unknown time zone Nowhere/Atlantis'],
    ['an offset, which Intl would take', '+01:00', 'unknown time zone +01:00'],
    ['a folder', 'America', 'is a directory'],
    ['a file that is not a zone', 'zone.tab', 'malformed time zone information'],
    ['a name with ..', 'Etc/../UTC', 'time: invalid location name'],
    ['an absolute path', '/usr/share/zoneinfo/UTC', 'time: invalid location name'],
  ])('refuses %s', (_, zone, why) => {
    expect(cronError(`TZ=${zone} 0 0 * * *`)).toBe(`provided bad location ${zone}: ${why}`);
  });

  it('ends the zone at the first ASCII space only, so a tab leaves it in the name', () => {
    expect(cronError('TZ=UTC\t0 0 * * * *')).toBe('provided bad location UTC\t0: unknown time zone UTC\t0');
  });

  it('refuses a zone with no schedule after it, on which robfig panics', () => {
    expect(cronError('TZ=UTC')).toBe('missing schedule after time zone: TZ=UTC');
  });
});

describe('the status of a phase whose cron Go and JavaScript read differently', () => {
  const caches = useCaches();

  async function statusOf(rule: string): Promise<string> {
    const cache = await caches.openMemory({ 'w.toml': toml({ task: 'a', rule }) });
    return String(cache.query('SELECT status FROM workflow_phases')[0].status);
  }

  it.each([
    ['a step above 2^53', 'cron=*/99999999999999999 * * * *'],
    ['FRİ', 'cron=0 0 * * FR\u0130'],
    ['fields split by a next-line character', 'cron=0 0 * * *%C2%85*'],
    ["Debian's posix/ zones", 'cron=TZ=posix/Europe/Paris 0 0 * * *'],
    ['right/UTC', 'cron=TZ=right/UTC 0 0 * * *'],
    ['Factory', 'cron=CRON_TZ=Factory 0 0 * * *'],
  ])("is '' for %s", async (_, rule) => {
    expect(await statusOf(rule)).toBe('');
  });

  it.each([
    ['@every 2562048h', 'cron=@every 2562048h', 'failed to parse duration @every 2562048h: time: invalid duration "2562048h"'],
    ['a byte-order mark between fields', 'cron=0 0 * * *\ufeff*', 'day of week: failed to parse int from *\ufeff*: invalid syntax'],
    ['TZ=utc', 'cron=TZ=utc 0 0 * * *', 'provided bad location utc: unknown time zone utc'],
    ['TZ=america/new_york', 'cron=TZ=america/new_york 0 0 * * *', 'provided bad location america/new_york: unknown time zone america/new_york'],
  ])('says why for %s', async (_, rule, why) => {
    expect(await statusOf(rule)).toBe(`no valid rule found: ${rule} (cron ${why})`);
  });
});
