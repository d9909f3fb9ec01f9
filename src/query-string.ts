/**
 * A URL query string parsed the way Go's `url.ParseQuery` parses it, so that rules and task
 * meta mean here exactly what they mean to the Go scheduler.
 */
export interface ParsedQuery {
  /** The first value of each key, as Go's `Values.Get` returns it. */
  readonly values: ReadonlyMap<string, string>;
  /** The first problem met, as Go returns it; parsing goes on past it, as Go's does. */
  readonly error?: string;
}

/** Parses `a=1&b=2`; segments with a `;` or a bad `%` escape are skipped and reported. */
export function parseQuery(query: string): ParsedQuery {
  const values = new Map<string, string>();
  let error: string | undefined;
  for (const segment of query.split('&')) {
    if (segment === '') continue;
    if (segment.includes(';')) {
      error ??= 'invalid semicolon separator in query';
      continue;
    }
    const eq = segment.indexOf('=');
    const rawKey = eq === -1 ? segment : segment.slice(0, eq);
    const rawValue = eq === -1 ? '' : segment.slice(eq + 1);
    const key = unescapeQuery(rawKey);
    const value = key === undefined ? undefined : unescapeQuery(rawValue);
    if (key === undefined || value === undefined) {
      error ??= `invalid URL escape in ${JSON.stringify(key === undefined ? rawKey : rawValue)}`;
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

const escapePattern = /%(?![0-9a-fA-F]{2})/;

/** Go's `url.QueryUnescape`: `+` is a space, `%XX` a byte; bytes are read as UTF-8. */
function unescapeQuery(text: string): string | undefined {
  // Most keys and values have nothing to unescape: skip the three regular expressions (a task's
  // meta is parsed at every get() and children()).
  if (!text.includes('%') && !text.includes('+')) return text;
  if (escapePattern.test(text)) return undefined;
  const spaced = text.replaceAll('+', ' ');
  return spaced.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) =>
    utf8.decode(Uint8Array.from(run.slice(1).split('%'), (hex) => parseInt(hex, 16))),
  );
}

const utf8 = new TextDecoder();
