import { goBytes, goString } from './go-string.js';

/**
 * A URL query string parsed the way Go's `url.ParseQuery` parses it, so that rules and task
 * meta mean here exactly what they mean to the Go scheduler.
 */
export interface ParsedQuery {
  /** The first value of each key, as Go's `Values.Get` returns it. */
  readonly values: ReadonlyMap<string, string>;
  /** The problem Go returns: a `;` met anywhere, else the first bad escape; parsing goes on past it, as Go's does. */
  readonly error?: string;
}

/** Parses `a=1&b=2`; segments with a `;` or a bad `%` escape are skipped and reported. */
export function parseQuery(query: string): ParsedQuery {
  const values = new Map<string, string>();
  let error: string | undefined;
  for (const segment of query.split('&')) {
    if (segment === '') continue;
    if (segment.includes(';')) {
      // Go sets this error over any other; a bad escape is kept only when no error came before.
      error = 'invalid semicolon separator in query';
      continue;
    }
    const eq = segment.indexOf('=');
    const rawKey = eq === -1 ? segment : segment.slice(0, eq);
    const rawValue = eq === -1 ? '' : segment.slice(eq + 1);
    const key = unescapeQuery(rawKey);
    const value = typeof key === 'string' ? unescapeQuery(rawValue) : key;
    if (typeof key !== 'string' || typeof value !== 'string') {
      const bad = typeof key === 'string' ? (value as BadEscape) : key;
      error ??= `invalid URL escape ${JSON.stringify(bad.bad)}`;
      continue;
    }
    if (!values.has(key)) values.set(key, value);
  }
  return error === undefined ? { values } : { values, error };
}

/** The value of `key` in a query string, `''` when absent (Go's `Values.Get`). */
export function queryValue(query: string, key: string): string {
  return parseQuery(query).values.get(key) ?? '';
}

/** The escape Go's `url.QueryUnescape` stops at: `%zz`, or what is left of `%4` at the end. */
interface BadEscape {
  bad: string;
}

/**
 * Go's `url.QueryUnescape`: `+` is a space, `%XX` a byte. The bytes make a Go string, which may
 * not be UTF-8 (`%C3`) or may start with U+FEFF (`%EF%BB%BF`): both are kept, as Go keeps them
 * (see go-string.ts), and a literal byte beside an escape joins it (`é` from byte C3 and `%A9`).
 */
function unescapeQuery(text: string): string | BadEscape {
  // Most keys and values have nothing to unescape (a task's meta is parsed at every get()).
  if (!text.includes('%') && !text.includes('+')) return text;
  for (let i = text.indexOf('%'); i !== -1; i = text.indexOf('%', i + 3)) {
    // Go cuts three bytes, not three characters (six UTF-16 units hold three characters).
    if (!isHex(text.charCodeAt(i + 1)) || !isHex(text.charCodeAt(i + 2))) return { bad: goString(goBytes(text.slice(i, i + 6)).subarray(0, 3)) };
  }
  const spaced = text.replaceAll('+', ' ');
  if (!spaced.includes('%')) return spaced;
  const parts = spaced.split(/%([0-9a-fA-F]{2})/);
  const bytes: number[] = [];
  // split() with a capture group alternates text, escape, text, ...
  parts.forEach((part, i) => (i % 2 === 1 ? bytes.push(parseInt(part, 16)) : bytes.push(...goBytes(part))));
  return goString(Uint8Array.from(bytes));
}

function isHex(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}
