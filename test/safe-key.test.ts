import { describe, expect, test } from 'vitest';
import { checkFileKey, UnsafeFileKeyError, unsafeKeyReason } from '../src/safe-key.js';
import { WorkflowCacheError } from '../src/errors.js';

describe('unsafeKeyReason()', () => {
  test.each(['daily.toml', 'group/f3.toml', 'a/b/c/d.toml', '..hidden.toml', 'x..y/z.toml', '.config/a.toml', 'name with spaces.toml', 'ünïcode/日本.toml'])(
    'accepts the relative key %j',
    (key) => {
      expect(unsafeKeyReason(key)).toBeUndefined();
    },
  );

  test.each([
    ['', 'it is empty'],
    ['/abs.toml', 'it is an absolute path'],
    ['/', 'it is an absolute path'],
    ['C:/x.toml', 'it starts with a drive letter'],
    ['c:x.toml', 'it starts with a drive letter'],
    ['../../x.toml', 'it has a ".." segment, which leaves its folder'],
    ['a/../../x.toml', 'it has a ".." segment, which leaves its folder'],
    ['..', 'it has a ".." segment, which leaves its folder'],
    ['./a.toml', 'it has a "." segment'],
    ['a//b.toml', 'it has an empty segment (two slashes together, or a slash at the end)'],
    ['a/', 'it has an empty segment (two slashes together, or a slash at the end)'],
    ['..\\x.toml', 'it has a backslash, a folder separator on Windows'],
    ['evil\nfiles: 1 loaded.toml', 'it has a control character'],
    ['a\u0000.toml', 'it has a control character'],
    ['\u001b[2J.toml', 'it has a control character'],
    ['a\u007f.toml', 'it has a control character'],
    ['a\u009b.toml', 'it has a control character'],
  ])('refuses %j: %s', (key, reason) => {
    expect(unsafeKeyReason(key)).toBe(reason);
  });
});

describe('checkFileKey()', () => {
  test('passes a safe key', () => {
    expect(() => checkFileKey('group/f3.toml')).not.toThrow();
  });

  test('throws UnsafeFileKeyError naming the key, escaped, and why', () => {
    let error: unknown;
    try {
      checkFileKey('../x\n.toml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsafeFileKeyError);
    expect(error).toBeInstanceOf(WorkflowCacheError);
    expect(error).toMatchObject({
      name: 'UnsafeFileKeyError',
      key: '../x\n.toml',
      message: 'file key "../x\\n.toml" is not a safe relative path: it has a control character',
    });
  });
});
