import { describe, expect, it } from 'vitest';
import { cronError } from '../../src/index.browser.js';

// In Chromium there is no zoneinfo to read: TZ= zones are Intl's, spelled as the tz database spells them.

describe('TZ= zones in a browser', () => {
  it.each(['TZ=UTC 0 0 * * *', 'TZ=America/New_York 0 0 * * *', 'CRON_TZ=US/Eastern @daily', 'TZ= 0 0 * * *', 'TZ=Local 0 0 * * *'])('accepts %s', (spec) => {
    expect(cronError(spec)).toBeUndefined();
  });

  it.each([
    ['utc', 'TZ=utc 0 0 * * *'],
    ['america/new_york', 'TZ=america/new_york 0 0 * * *'],
    ['+01:00', 'TZ=+01:00 0 0 * * *'],
    ['posix/Europe/Paris', 'TZ=posix/Europe/Paris 0 0 * * *'],
  ])('refuses %s', (zone, spec) => {
    expect(cronError(spec)).toBe(`provided bad location ${zone}: unknown time zone ${zone}`);
  });
});
