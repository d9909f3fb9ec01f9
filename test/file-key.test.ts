// File keys as the Go cache makes them (Go TestCache_FilePath), and where ours differ on purpose.
import { describe, expect, it } from 'vitest';
import { fileKey } from '../src/sources/file-key.js';

describe('fileKey() (Go TestCache_FilePath)', () => {
  it('keys a file in the workflows folder by its name', () => {
    expect(fileKey('./path', './path/file.toml')).toBe('file.toml');
  });

  it('keys a workflows path that is the file itself by its name', () => {
    expect(fileKey('./path/file.toml', './path/file.toml')).toBe('file.toml');
  });

  it('keys a file in a sub-folder by its path below the workflows folder', () => {
    expect(fileKey('./path', './path/sub/file.toml')).toBe('sub/file.toml');
  });

  it('finds the workflows folder embedded deeper in the file path', () => {
    expect(fileKey('./path', 'root/folder/path/file.toml')).toBe('file.toml');
  });

  it('keeps the sub-folder when the workflows folder is embedded', () => {
    expect(fileKey('./path', 'root/path/sub/file.toml')).toBe('sub/file.toml');
  });
});

describe('fileKey() beyond the Go cases', () => {
  it('matches whole path segments, so a name containing the folder name stays whole', () => {
    expect(fileKey('/srv/workflows', '/srv/workflows/my-workflows.toml')).toBe('my-workflows.toml');
  });

  it('keeps the path below the folder when a sub-folder repeats the folder name', () => {
    expect(fileKey('/srv/workflows', '/srv/workflows/team/workflows/etl.toml')).toBe('team/workflows/etl.toml');
  });

  it('works with absolute paths', () => {
    expect(fileKey('/abs/wf', '/abs/wf/group/f3.toml')).toBe('group/f3.toml');
  });

  it('reads backslashes as separators and keys with /', () => {
    expect(fileKey('C:\\wf', 'C:\\wf\\group\\f3.toml')).toBe('group/f3.toml');
  });

  it('ignores a trailing slash on the workflows folder', () => {
    expect(fileKey('./path/', './path/sub/file.toml')).toBe('sub/file.toml');
  });
});
