import picomatch from 'picomatch/posix.js';

/**
 * Which files below a workflows folder are workflows. By default every file is, as in Go;
 * these narrow it. Patterns are globs ([picomatch](https://github.com/micromatch/picomatch):
 * `*`, `**`, `?`, `[…]`, `{a,b}`), matched against file keys (`sub/name.toml`) the way
 * `.gitignore` lines are: a pattern without a `/` matches a name at any depth (`*.md`, `.git`),
 * one with a `/` matches from the workflows folder (`drafts/**`; a leading `/` anchors a name
 * there), and one ending in `/` matches folders only. Names starting with `.` match like others.
 */
export interface FileFilterOptions {
  /** Files and folders not to read (an ignored folder is not even listed). Wins over `include`. */
  ignore?: readonly string[];
  /** When given, only the files that match one of these are read: `['*.toml']`. */
  include?: readonly string[];
}

/** The file in the workflows folder whose lines are more `ignore` patterns; it is never a workflow itself. */
export const IGNORE_FILE = '.workflowcacheignore';

type Matcher = (key: string) => boolean;

/** {@link FileFilterOptions} compiled: what to skip while listing a folder. */
export class FileFilter {
  readonly #ignoredFile: Matcher;
  readonly #ignoredFolder: Matcher;
  readonly #included: Matcher | undefined;

  /**
   * @param options as given by the caller
   * @param more further ignore patterns (the lines of {@link IGNORE_FILE})
   * @throws {TypeError} when a pattern list is not an array of strings
   */
  constructor(options: FileFilterOptions = {}, more: readonly string[] = []) {
    const ignore = [...patterns(options.ignore, 'ignore'), ...more];
    this.#ignoredFolder = matcher(ignore.map((p) => p.replace(/\/+$/, '')));
    this.#ignoredFile = matcher(ignore.filter((p) => !p.endsWith('/')));
    const include = patterns(options.include, 'include');
    this.#included = options.include === undefined ? undefined : matcher(include);
  }

  /** True when the file with this key is to be read. */
  reads(key: string): boolean {
    return !this.#ignoredFile(key) && (this.#included?.(key) ?? true);
  }

  /** True when the folder with this key (`sub/x`, no trailing `/`) is not to be listed. */
  skipsFolder(key: string): boolean {
    return this.#ignoredFolder(key);
  }
}

/**
 * The patterns of an ignore file's text: one a line, blank lines and `#` comments skipped.
 * @throws {Error} on a `!` line: negation is not supported (`include` says what to read)
 */
export function ignoreFilePatterns(text: string): string[] {
  const found: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('!')) throw new Error(`line ${i + 1}: "${line}": negation (!) is not supported; use the include option to say which files to read`);
    found.push(line);
  });
  return found;
}

function patterns(list: readonly string[] | undefined, name: string): string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list) || !list.every((p) => typeof p === 'string' && p !== '')) {
    throw new TypeError(`the "${name}" option must be an array of glob patterns such as ['*.md', '.git']`);
  }
  return [...list];
}

/** One matcher for a list, `.gitignore`-like: unanchored patterns match names at any depth. */
function matcher(list: readonly string[]): Matcher {
  const anywhere = list.filter((p) => !p.includes('/'));
  const fromRoot = list.filter((p) => p.includes('/')).map((p) => p.replace(/^\/+/, '')).filter((p) => p !== '');
  const byName = anywhere.length > 0 ? picomatch(anywhere, { dot: true, basename: true }) : undefined;
  const byPath = fromRoot.length > 0 ? picomatch(fromRoot, { dot: true }) : undefined;
  return (key) => (byName?.(key) ?? false) || (byPath?.(key) ?? false);
}
