// cronError(): a cron is valid exactly when Go's robfig/cron v3 parser (SecondOptional | Minute |
// Hour | Dom | Month | Dow | Descriptor) accepts it.
import { describe, expect, it } from 'vitest';
import { cronError } from '../src/index.node.js';

describe('cron expressions robfig/cron v3 accepts', () => {
  it.each([
    ['five fields', '0 0 * * *'],
    ['six fields, seconds first', '30 0 0 * * *'],
    ['? in place of *', '0 0 ? * ?'],
    ['day-of-week names', '0 0 * * SUN'],
    ['lower-case month names', '0 0 1 jan *'],
    ['name ranges', '0 9 * * mon-fri'],
    ['lists', '0,15,30,45 * * * *'],
    ['steps on *', '*/15 * * * *'],
    ['steps on a range', '0-30/5 * * * *'],
    ['a start with a step', '5/10 * * * *'],
    ['day of week 6', '0 0 * * 6'],
    ['@yearly', '@yearly'],
    ['@annually', '@annually'],
    ['@monthly', '@monthly'],
    ['@weekly', '@weekly'],
    ['@daily', '@daily'],
    ['@midnight', '@midnight'],
    ['@hourly', '@hourly'],
    ['@every with a Go duration', '@every 1h30m'],
    ['@every with fractions', '@every 1.5s'],
    ['a TZ= prefix', 'TZ=UTC 0 0 * * *'],
    ['a CRON_TZ= prefix with a zone name', 'CRON_TZ=America/New_York 0 0 * * *'],
    ['a TZ= prefix before a descriptor', 'TZ=Europe/Paris @daily'],
    ['the jobs fixture cron', '1 2 */6 4 5 SUN'],
  ])('accepts %s: %s', (_, spec) => {
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
    ['a step that is not a number', '*/x * * * *'],
    ['two slashes', '1/2/3 * * * *'],
    ['a minute of 60', '60 * * * *'],
    ['an hour of 24', '0 24 * * *'],
    ['a day of month of 0', '0 0 0 * *'],
    ['a month of 13', '0 0 * 13 *'],
    ['a range that runs backwards', '0 0 * * 5-1'],
    ['an unknown name', '0 0 * * funday'],
    ['an unknown descriptor', '@often'],
    ['@every without a duration', '@every'],
    ['@every with a bad duration', '@every 1x'],
    ['an unknown time zone', 'TZ=Nowhere/Atlantis 0 0 * * *'],
    ['a time zone with no schedule', 'TZ=UTC'],
    ['a word', 'invalid'],
  ])('rejects %s: %j', (_, spec) => {
    expect(cronError(spec)).toEqual(expect.any(String));
  });

  it('says which field is wrong', () => {
    expect(cronError('0 24 * * *')).toContain('hour');
  });

  it('says how many fields it found', () => {
    expect(cronError('0 0 * *')).toContain('found 4');
  });
});
