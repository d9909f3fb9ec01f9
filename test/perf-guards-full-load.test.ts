// What a full load holds between files to parse and check them faster: each answer it holds is
// the answer it would compute anew.
import { expect, test } from 'vitest';
import { cronError, useTimeZones } from '../src/cron.js';
import { parseWorkflow } from '../src/workflow-file.js';
import { zoneinfoTimeZoneError } from '../src/time-zones/zoneinfo.js';

test('a cron verdict held for a spec is not given once time zones are checked another way', () => {
  const spec = 'TZ=Nowhere/Land 0 * * * *';
  try {
    useTimeZones(() => undefined);
    expect(cronError(spec)).toBeUndefined();
    useTimeZones((name) => `unknown time zone ${name}`);
    expect(cronError(spec)).toBe('provided bad location Nowhere/Land: unknown time zone Nowhere/Land');
  } finally {
    useTimeZones(zoneinfoTimeZoneError());
  }
});

test('short strings read from different bytes are never taken for one another', () => {
  // Thousands of distinct short tasks and rules: many share a slot of the table of strings held.
  const names = Array.from({ length: 5000 }, (_, i) => `t-${i.toString(36)}`);
  const text = names.map((name, i) => `[[phase]]\ntask = "${name}"\nrule = "job=${names[names.length - 1 - i]}"\n`).join('');
  const { phases } = parseWorkflow('many.toml', new TextEncoder().encode(text));
  expect(phases.map((p) => p.task)).toEqual(names);
  expect(phases.map((p) => p.rule)).toEqual(names.map((_, i) => `job=${names[names.length - 1 - i]}`));
});
