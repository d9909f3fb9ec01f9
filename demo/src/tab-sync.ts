/**
 * Merging the workflow texts of two tabs of the playground. Each tab remembers what the store
 * held when it last read or wrote it (its base); a tab writing while another has written since
 * merges file by file, so no tab ever overwrites an edit it has not seen.
 */

/** The texts by file key. */
export type Texts = ReadonlyMap<string, string>;

export interface Merged {
  /** What the store and this tab hold after the merge. */
  files: Map<string, string>;
  /** Keys whose text in this tab changed because of the other tab (to load again). */
  fromOthers: string[];
  /** Files both tabs changed: the other tab's text kept under the key, this tab's under `copy`. A file edited here and deleted there is kept as edited. */
  conflicts: Array<{ key: string; copy: string }>;
  /** Whether this tab had edits the store had not seen (so the merge must be written). */
  local: boolean;
}

/**
 * The store's texts (`theirs`) with this tab's edits since `base` applied wherever the store
 * still held the base text; where both changed a file, both texts are kept.
 */
export function mergeTexts(base: Texts, mine: Texts, theirs: Texts): Merged {
  const files = new Map(theirs);
  const conflicts: Merged['conflicts'] = [];
  let local = false;
  for (const key of new Set([...base.keys(), ...mine.keys()])) {
    const was = base.get(key);
    const now = mine.get(key);
    if (now === was) continue;
    local = true;
    const other = theirs.get(key);
    if (other === was || other === now) {
      if (now === undefined) files.delete(key);
      else files.set(key, now);
    } else if (now !== undefined && other === undefined) {
      // Edited here, deleted there: the edit is the newer work.
      files.set(key, now);
    } else if (now !== undefined) {
      const copy = freeKey(files, key);
      files.set(copy, now);
      conflicts.push({ key, copy });
    }
  }
  const fromOthers = [...new Set([...mine.keys(), ...files.keys()])].filter((k) => mine.get(k) !== files.get(k));
  return { files, fromOthers, conflicts, local };
}

/** `a/b-conflict.toml`, or `a/b-conflict-2.toml` when that is taken. */
function freeKey(files: Texts, key: string): string {
  const dot = key.lastIndexOf('.');
  const stem = dot > key.lastIndexOf('/') ? key.slice(0, dot) : key;
  const ext = dot > key.lastIndexOf('/') ? key.slice(dot) : '';
  for (let n = 1; ; n++) {
    const copy = `${stem}-conflict${n === 1 ? '' : `-${n}`}${ext}`;
    if (!files.has(copy)) return copy;
  }
}
