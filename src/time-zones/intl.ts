/**
 * Time zones where there is no zoneinfo folder to read (browsers, and Node on a machine without
 * one): the names the runtime's `Intl` knows, spelled as the tz database spells them. Go reads
 * files whose names are case-sensitive, so `utc` and `america/new_york` are refused here too,
 * although `Intl` takes any case; Debian's `posix/` and `right/` trees and `Factory` are not in
 * `Intl` and are refused.
 */
export function intlTimeZoneError(name: string): string | undefined {
  // Each segment of a tz database name starts with a capital (`America/Port-au-Prince`, `Etc/GMT+5`);
  // this also keeps out the offsets (`+01:00`) that Intl takes and Go does not.
  if (!/^[A-Z][A-Za-z0-9_+-]*(?:\/[A-Z][A-Za-z0-9_+-]*)*$/.test(name)) return `unknown time zone ${name}`;
  let known: string;
  try {
    known = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return `unknown time zone ${name}`;
  }
  // An alias comes back as its zone (`US/Eastern` as `America/New_York`), its spelling unknown;
  // a name that comes back with other capitals is misspelt.
  if (known !== name && known.toLowerCase() === name.toLowerCase()) return `unknown time zone ${name}`;
  return undefined;
}
