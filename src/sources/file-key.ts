/**
 * The key of a workflow file, as the Go cache names it: the path below the workflows folder,
 * or the file name when the workflows path is the file itself.
 *
 * Go finds the folder's path inside the file's path as a substring, which also matches inside
 * a name (`workflows/my-workflows.toml` becomes `.toml`); here it must match whole path
 * segments, so such files keep their names.
 * @param root the workflows path as given (`./path`, `/srv/workflows`, `f1.toml`)
 * @param file the file's path, as listed (`./path/sub/f.toml`, `/abs/path/sub/f.toml`)
 */
export function fileKey(root: string, file: string): string {
  const rootParts = segments(root);
  const fileParts = segments(file);
  const name = fileParts[fileParts.length - 1] ?? '';
  const startsAt = (at: number) => rootParts.every((part, i) => fileParts[at + i] === part);
  // A file under the root: the path below it, even when a folder below repeats the root's name.
  if (rootParts.length > 0 && startsAt(0)) return fileParts.slice(rootParts.length).join('/') || name;
  // Otherwise (a relative root, an absolute file) the last place the root's segments stand, as Go.
  for (let at = fileParts.length - rootParts.length; at > 0 && rootParts.length > 0; at--) {
    if (startsAt(at)) return fileParts.slice(at + rootParts.length).join('/') || name;
  }
  return name;
}

/** Path segments with `.` and empty ones dropped and `\` read as `/`. */
function segments(path: string): string[] {
  return path.split(/[\\/]+/).filter((part) => part !== '' && part !== '.');
}
