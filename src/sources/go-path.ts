import type { SourceEntry } from './source.js';

/**
 * Why the Go cache cannot read a workflow at this key, or `undefined` when it can.
 *
 * Go's file package runs `url.Parse` on every path before it opens it: a folder it refuses
 * cannot be listed, a file cannot be read. Only the key is judged, as Go sees it below an
 * absolute folder path (`/<key>`): the folder's own location differs between the machine that
 * validates and the one that schedules, so judging it here would tell nothing about production.
 * What `url.Parse` checks on such a path, in its order: no control byte before any `#`; valid
 * `%` escapes in the path (before `?`) and in the fragment (after `#`), none in the query.
 */
export function goPathError(key: string): string | undefined {
  if (!/[\x00-\x1f\x7f%]/.test(key)) return undefined; // most keys, at every listing: nothing to judge
  const path = `/${key}`;
  const hash = path.indexOf('#');
  const beforeFragment = hash < 0 ? path : path.slice(0, hash);
  if (/[\x00-\x1f\x7f]/.test(beforeFragment)) return 'net/url: invalid control character in URL';
  const question = beforeFragment.indexOf('?');
  const bad = badEscape(question < 0 ? beforeFragment : beforeFragment.slice(0, question)) ?? (hash < 0 ? undefined : badEscape(path.slice(hash + 1)));
  return bad === undefined ? undefined : `invalid URL escape ${JSON.stringify(bad)}`;
}

/** The first `%` not followed by two hex digits, with what follows it (up to 3 characters), as Go's `EscapeError`. */
function badEscape(text: string): string | undefined {
  for (let at = text.indexOf('%'); at >= 0; at = text.indexOf('%', at + 1)) {
    if (!/^%[0-9a-fA-F]{2}/.test(text.slice(at, at + 3))) return text.slice(at, at + 3);
    at += 2;
  }
  return undefined;
}

/**
 * The failing entry for a path Go's file package refuses before opening it, else `undefined`.
 * @param key the entry's key (`sub/` for a folder)
 * @param path the key as Go's `url.Parse` sees it (a folder without its `/`)
 */
export function refusedByGo(key: string, path = key): SourceEntry | undefined {
  const error = goPathError(path);
  return error === undefined ? undefined : { key, failure: `a path the Go cache cannot read (url.Parse: ${error}); rename it` };
}
