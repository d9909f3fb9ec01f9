import { describe, expect, test } from 'vitest';
import { printable } from '../src/cli/printable.js';

describe('printable()', () => {
  test('leaves ordinary text alone, backslashes and non-ASCII letters included', () => {
    const text = 'group/f3.toml  extract:daily  cron=0 2 * * *  C:\\tmp  ünïcode 日本 ✓';
    expect(printable(text)).toBe(text);
  });

  test.each([
    ['a\nb', 'a\\nb'],
    ['a\r\nb', 'a\\r\\nb'],
    ['a\tb', 'a\\tb'],
    ['\u0000', '\\x00'],
    ['\u001b[2J\u001b[H', '\\x1b[2J\\x1b[H'],
    ['\u001b]0;title\u0007', '\\x1b]0;title\\x07'],
    ['\u007f', '\\x7f'],
    ['\u0085\u009b2J', '\\x85\\x9b2J'],
    ['\u2028\u2029', '\\u2028\\u2029'],
    ['\u202etxt.sh', '\\u202etxt.sh'],
    ['\u2066\u2069\u200e\u200f\u061c', '\\u2066\\u2069\\u200e\\u200f\\u061c'],
  ])('shows %j as %s', (text, shown) => {
    expect(printable(text)).toBe(shown);
  });

  test('is idempotent: what it prints has nothing left to escape', () => {
    const once = printable('evil\nfiles: 999 loaded\u001b[2J\u202e');
    expect(printable(once)).toBe(once);
  });
});
