// parseQuery(): rules and task meta read as Go's url.ParseQuery reads them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goBytes, goString } from '../src/go-string.js';
import { parseQuery, queryValue } from '../src/query-string.js';

describe('parseQuery()', () => {
  it('reads key=value pairs joined by &', () => {
    expect([...parseQuery('workflow=f1.toml&job=j1').values]).toEqual([
      ['workflow', 'f1.toml'],
      ['job', 'j1'],
    ]);
  });

  it('keeps the first value of a repeated key, as Values.Get does', () => {
    expect(parseQuery('job=a&job=b').values.get('job')).toBe('a');
  });

  it('reads + as a space', () => {
    expect(parseQuery('cron=0+0+*+*+*').values.get('cron')).toBe('0 0 * * *');
  });

  it('decodes %XX escapes as UTF-8', () => {
    expect(parseQuery('name=caf%C3%A9').values.get('name')).toBe('café');
  });

  it('keeps a literal space as written', () => {
    expect(parseQuery('cron=0 0 * * *').values.get('cron')).toBe('0 0 * * *');
  });

  it("gives a key without = the value ''", () => {
    expect(parseQuery('flag').values.get('flag')).toBe('');
  });

  it('splits at the first = only', () => {
    expect(parseQuery('meta=key=a').values.get('meta')).toBe('key=a');
  });

  it('skips empty segments', () => {
    expect([...parseQuery('&a=1&&b=2&').values.keys()]).toEqual(['a', 'b']);
  });

  it('reports no error for a well-formed query', () => {
    expect(parseQuery('a=1&b=2').error).toBeUndefined();
  });

  it('reports a ; as an error and skips that segment', () => {
    expect(parseQuery('a=1;b=2&c=3')).toEqual({ values: new Map([['c', '3']]), error: 'invalid semicolon separator in query' });
  });

  it('reports a bad % escape and skips that segment', () => {
    const parsed = parseQuery('a=%zz&b=2');
    expect([parsed.values.has('a'), parsed.values.get('b'), typeof parsed.error]).toEqual([false, '2', 'string']);
  });

  it('reports a % at the end of a value', () => {
    expect(parseQuery('a=50%').error).toEqual(expect.any(String));
  });

  it('keeps a U+FEFF that %EF%BB%BF decodes to at the start of a value', () => {
    expect(parseQuery('job=%EF%BB%BFj1').values.get('job')).toBe('\ufeffj1');
  });

  it('keeps the byte %C3 decodes to, distinct from U+FFFD', () => {
    const job = parseQuery('job=%C3').values.get('job')!;
    expect([[...goBytes(job)], job === parseQuery('job=%EF%BF%BD').values.get('job')]).toEqual([[0xc3], false]);
  });

  it('joins a byte written as such with the escaped byte after it, as Go joins bytes', () => {
    expect(parseQuery(`name=${goString(Uint8Array.of(0xc3))}%A9`).values.get('name')).toBe('é');
  });

  it('names the bad escape itself, as Go\'s EscapeError does', () => {
    expect(parseQuery('a=1%zz2').error).toBe('invalid URL escape "%zz"');
  });

  it('reports a ; over an earlier bad escape, as Go sets that error last', () => {
    expect(parseQuery('a=%zz&b=1;c').error).toBe('invalid semicolon separator in query');
  });

  it('reads the empty string as no values', () => {
    expect(parseQuery('')).toEqual({ values: new Map() });
  });
});

describe('queryValue()', () => {
  it('returns the value of a key', () => {
    expect(queryValue('cron=0 * * * *&job=hourly', 'job')).toBe('hourly');
  });

  it("returns '' for a missing key", () => {
    expect(queryValue('cron=0 * * * *', 'job')).toBe('');
  });
});

/** Go's url.ParseQuery as written (Go 1.17 and later), over bytes: the first value of each key and the error. */
function goParseQuery(query: Uint8Array): { values: Map<string, string>; error: string | undefined } {
  const values = new Map<string, string>();
  let error: string | undefined;
  const hex = (b: number | undefined) => b !== undefined && /[0-9a-fA-F]/.test(String.fromCharCode(b));
  const unescape = (s: Uint8Array): Uint8Array | string => {
    for (let i = 0; i < s.length; ) {
      if (s[i] === 0x25) {
        if (i + 2 >= s.length || !hex(s[i + 1]) || !hex(s[i + 2])) return `invalid URL escape ${JSON.stringify(goString(s.subarray(i, i + 3)))}`;
        i += 3;
      } else i++;
    }
    const out: number[] = [];
    for (let i = 0; i < s.length; i++) {
      if (s[i] === 0x25) {
        out.push(parseInt(String.fromCharCode(s[i + 1], s[i + 2]), 16));
        i += 2;
      } else out.push(s[i] === 0x2b ? 0x20 : s[i]);
    }
    return Uint8Array.from(out);
  };
  const cut = (s: Uint8Array, sep: number): [Uint8Array, Uint8Array | undefined] => {
    const i = s.indexOf(sep);
    return i === -1 ? [s, undefined] : [s.subarray(0, i), s.subarray(i + 1)];
  };
  let rest: Uint8Array | undefined = query;
  while (rest !== undefined && rest.length > 0) {
    let segment: Uint8Array;
    [segment, rest] = cut(rest, 0x26);
    if (segment.includes(0x3b)) {
      error = 'invalid semicolon separator in query';
      continue;
    }
    if (segment.length === 0) continue;
    const [rawKey, rawValue = new Uint8Array()] = cut(segment, 0x3d);
    const key = unescape(rawKey);
    if (typeof key === 'string') {
      error ??= key;
      continue;
    }
    const value = unescape(rawValue);
    if (typeof value === 'string') {
      error ??= value;
      continue;
    }
    const k = [...key].join(',');
    if (!values.has(k)) values.set(k, [...value].join(','));
  }
  return { values, error };
}

/** Ours, in the same terms: keys and values as the bytes of the Go strings they stand for. */
function ours(query: string): { values: Map<string, string>; error: string | undefined } {
  const parsed = parseQuery(query);
  return { values: new Map([...parsed.values].map(([k, v]) => [[...goBytes(k)].join(','), [...goBytes(v)].join(',')])), error: parsed.error };
}

describe('parseQuery() against Go\'s url.ParseQuery as written', () => {
  const queryByte = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...[...'&=;%++aAzZ09cCfFeE'].map((ch) => ch.charCodeAt(0))) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
  );
  const escape = fc.integer({ min: 0, max: 255 }).map((b) => [...`%${b.toString(16).padStart(2, '0').toUpperCase()}`].map((ch) => ch.charCodeAt(0)));
  const queryBytes = fc.array(fc.oneof(queryByte.map((b) => [b]), escape), { maxLength: 40 }).map((parts) => Uint8Array.from(parts.flat()));

  it('agrees on any bytes, escapes that are not UTF-8 and U+FEFF included', () => {
    fc.assert(
      fc.property(queryBytes, (bytes) => {
        expect(ours(goString(bytes))).toEqual(goParseQuery(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees on any text a task\'s meta may hold', () => {
    const piece = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 4 }), fc.constantFrom('&', '=', ';', '%', '+', '%EF%BB%BF', '%C3', '%zz', 'workflow=', 'job='));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }).map((parts) => parts.join('')), (text) => {
        expect(ours(text)).toEqual(goParseQuery(goBytes(text)));
      }),
      { numRuns: 3000 },
    );
  });
});
