import { readFileSync, statSync } from 'node:fs';
import type { TimeZoneCheck } from '../cron.js';
import { intlTimeZoneError } from './intl.js';
import { isTzif } from './tzif.js';
import { storedZipEntry } from './zip.js';

/** Where Go looks for zone files on Unix, in its order (after `$ZONEINFO`). */
export const goZoneSources: readonly string[] = ['/usr/share/zoneinfo/', '/usr/share/lib/zoneinfo/', '/usr/lib/locale/TZ/', '/etc/zoneinfo'];

export interface ZoneinfoOptions {
  /** Go's `$ZONEINFO`: a folder or a `.zip` of zone files searched first; default: the environment's. */
  zoneinfo?: string;
  /** The machine's folders; default: Go's. */
  sources?: readonly string[];
}

/**
 * Time zones as Go's `time.LoadLocation` finds them on this machine: a name is good when a file of
 * that name (case-sensitive where the file system is) in `$ZONEINFO` or below one of Go's folders is
 * a time zone file. A machine with none of those folders (Windows) falls back to `Intl`'s names.
 */
export function zoneinfoTimeZoneError({ zoneinfo = process.env.ZONEINFO ?? '', sources = goZoneSources }: ZoneinfoOptions = {}): TimeZoneCheck {
  const folders = [...(zoneinfo === '' ? [] : [zoneinfo]), ...sources];
  if (!folders.some(exists)) return intlTimeZoneError;
  return (name) => {
    // Go reports the first failure other than a missing file, else that the zone is unknown.
    let firstError: string | undefined;
    for (const [i, folder] of folders.entries()) {
      const error = zoneError(folder, name);
      if (error === undefined) return undefined;
      // Go drops why a zone below $ZONEINFO is malformed (its error variable is shadowed there).
      const dropped = error === missing || (zoneinfo !== '' && i === 0 && error === malformed);
      if (!dropped) firstError ??= error;
    }
    return firstError ?? `unknown time zone ${name}`;
  };
}

function exists(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false }) !== undefined;
}

const missing = 'no such file';
const malformed = 'malformed time zone information';

/** Why `name` below `folder` (or in `folder` when it is a `.zip`) is not a zone file, in Go's words; `undefined` when it is one. */
function zoneError(folder: string, name: string): string | undefined {
  const zip = folder.length > 4 && folder.endsWith('.zip');
  const data = read(zip ? folder : `${folder}/${name}`);
  if (typeof data === 'string') return data;
  const zone = zip ? storedZipEntry(data, folder, name) : data;
  if (zone === undefined) return missing;
  if (typeof zone === 'string') return zone;
  return isTzif(zone) ? undefined : malformed;
}

function read(path: string): Uint8Array | string {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENOENT') return missing;
    if (code === 'ERR_INVALID_ARG_VALUE') return 'invalid argument'; // a NUL in the name
    return goErrnoText[code] ?? String(error);
  }
}

const goErrnoText: Readonly<Record<string, string>> = {
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EACCES: 'permission denied',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
};
