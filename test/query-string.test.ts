// parseQuery(): rules and task meta read as Go's url.ParseQuery reads them.
import { describe, expect, it } from 'vitest';
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
