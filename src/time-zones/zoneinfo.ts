import { readFileSync, statSync } from 'node:fs';
import { intlTimeZoneError } from './intl.js';
import { isTzif } from './tzif.js';

/** Where Go looks for zone files on Unix, in its order (after `$ZONEINFO`). */
export const goZoneSources: readonly string[] = ['/usr/share/zoneinfo/', '/usr/share/lib/zoneinfo/', '/usr/lib/locale/TZ/', '/etc/zoneinfo'];

export interface ZoneinfoOptions {
  /** Go's `$ZONEINFO`: a folder searched first; default: the environment's. */
  zoneinfo?: string;
  /** The machine's folders; default: Go's. */
  sources?: readonly string[];
}

/**
 * Time zones as Go's `time.LoadLocation` finds them on this machine: a name is good when a file of
 * that name (case-sensitive where the file system is) below `$ZONEINFO` or one of Go's folders is a
 * time zone file. A machine with none of those folders (Windows) falls back to `Intl`'s names.
 */
export function zoneinfoTimeZoneError({ zoneinfo = process.env.ZONEINFO ?? '', sources = goZoneSources }: ZoneinfoOptions = {}): (
  name: string,
) => string | undefined {
  const folders = [...(zoneinfo === '' ? [] : [zoneinfo]), ...sources];
  if (!folders.some(exists)) return intlTimeZoneError;
  return (name) => {
    // Go reports the first failure other than a missing file, else that the zone is unknown.
    let firstError: string | undefined;
    for (const folder of folders) {
      const error = zoneFileError(`${folder}/${name}`);
      if (error === undefined) return undefined;
      if (error !== missing) firstError ??= error;
    }
    return firstError ?? `unknown time zone ${name}`;
  };
}

function exists(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false }) !== undefined;
}

const missing = 'no such file';

/** Why `path` is not a time zone file, in Go's words, `undefined` when it is one. */
function zoneFileError(path: string): string | undefined {
  let data: Uint8Array;
  try {
    data = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return missing;
    if (code === 'ERR_INVALID_ARG_VALUE') return 'invalid argument'; // a NUL in the name
    return goErrnoText[code ?? ''] ?? String(error);
  }
  return isTzif(data) ? undefined : 'malformed time zone information';
}

const goErrnoText: Readonly<Record<string, string>> = {
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EACCES: 'permission denied',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
};
