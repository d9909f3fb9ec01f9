/** Where a phase starts in its file: 1-based, as editors and CI annotations count. */
export interface PhaseLine {
  line: number;
  column: number;
}

/** A `[[phase]]` header in any case (keys match in any case), bare or quoted, with an optional comment. */
const header = /^([ \t]*)\[\[[ \t]*(?:(phase)|"(phase)"|'(phase)')[ \t]*\]\][ \t]*(?:#.*)?$/i;
/** `phase = [ … ]`: phases as an inline array, all of them on the key's line as far as we tell. */
const inlineArray = /^([ \t]*)(?:phase|"phase"|'phase')[ \t]*=/i;

/**
 * Where each phase of a workflow file starts, read from its TOML text: given a phase's position
 * (0-based, as written, the `workflow_phases.position` column), its `[[phase]]` header, else the
 * `phase = [ … ]` line for every phase; `undefined` when the text has no such phase. Lines inside
 * multi-line strings are skipped.
 */
export function phaseLines(toml: string): (position: number) => PhaseLine | undefined {
  // TOML keys are case-sensitive, so `[[phase]]` and `[[Phase]]` are two arrays; Go's decoder
  // decodes each over the one before, element by element, and keeps the last one's length (see
  // workflow-file.ts): phase i is the i-th element of the array whose key appears last.
  const arrays = new Map<string, PhaseLine[]>();
  let inline: PhaseLine | undefined;
  let open: '"""' | "'''" | undefined;
  toml.split(/\r?\n/).forEach((text, i) => {
    if (open === undefined) {
      const found = header.exec(text);
      if (found) {
        const key = found[2] ?? found[3] ?? found[4];
        if (!arrays.has(key)) arrays.set(key, []);
        arrays.get(key)!.push({ line: i + 1, column: found[1].length + 1 });
      }
      const array = inline === undefined ? inlineArray.exec(text) : null;
      if (array) inline = { line: i + 1, column: array[1].length + 1 };
    }
    open = multiLineStringAfter(text, open);
  });
  const headers = [...arrays.values()].at(-1) ?? [];
  return (position) => (headers.length > 0 ? headers[position] : inline);
}

/**
 * Whether a multi-line string is still open after this line: each `"""` or `'''` outside
 * another string opens or closes one. A `#` outside strings ends the line's code.
 */
function multiLineStringAfter(text: string, open: '"""' | "'''" | undefined): '"""' | "'''" | undefined {
  let i = 0;
  while (i < text.length) {
    if (open !== undefined) {
      const end = text.indexOf(open, i);
      if (end < 0) return open;
      i = end + 3;
      open = undefined;
      continue;
    }
    const c = text[i];
    if (c === '#') return undefined;
    if ((c === '"' || c === "'") && text.startsWith(c.repeat(3), i)) {
      open = c === '"' ? '"""' : "'''";
      i += 3;
    } else if (c === '"' || c === "'") {
      // A one-line string: to its closing quote (a basic string's \" does not close it).
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += c === '"' && text[j] === '\\' ? 2 : 1;
      i = j + 1;
    } else {
      i++;
    }
  }
  return open;
}
