/**
 * Where each phase of a workflow file's text is, so a phase's problems can be shown on its own
 * lines (an editor's diagnostics, a CI annotation). Read from the text alone, as the loader reads
 * the phases: a `[[phase]]` header in any case (`[[Phase]]`, `[[ "phase" ]]`) starts a phase that
 * runs to its last non-blank line before the next table header; `[phase.x]` sub-tables belong to
 * the phase above them; headers inside multi-line strings are not headers. TOML keys are
 * case-sensitive, so `[[phase]]` and `[[Phase]]` are two arrays, and Go's decoder decodes each
 * over the one before, element by element, keeping the last one's length (see workflow-file.ts):
 * the phases loaded are the elements of the array whose key appears last.
 */

/** A phase's lines, 1-based and inclusive: `start` is its `[[phase]]` header, at `column`. */
export interface PhaseLines {
  start: number;
  end: number;
  column: number;
}

const header = /^\s*\[\[?\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(\.|\]\]?)/;
/** `phase = [ … ]`: phases as an inline array, on the key's line as far as lines tell. */
const inlineArray = /^([ \t]*)(?:phase|"phase"|'phase')[ \t]*=/i;

type Quote = '"""' | "'''";

/** The line range of each phase as the loader reads them: entry i is the phase at position i. */
export function phaseLines(text: string): PhaseLines[] {
  const lines = text.split(/\r?\n/);
  const arrays = new Map<string, PhaseLines[]>();
  let current: PhaseLines | undefined;
  let inString: Quote | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (inString === undefined) {
      const found = header.exec(line);
      if (found) {
        const key = found[1] ?? found[2] ?? found[3];
        const name = key.toLowerCase();
        const isArray = line.trimStart().startsWith('[[');
        if (name === 'phase' && isArray && found[4] !== '.') {
          current = { start: i + 1, end: i + 1, column: line.length - line.trimStart().length + 1 };
          if (!arrays.has(key)) arrays.set(key, []);
          arrays.get(key)!.push(current);
          continue;
        }
        // A `[phase.x]` or `[[phase.x]]` table belongs to the phase above it; any other ends it.
        if (!(name === 'phase' && found[4] === '.')) current = undefined;
      }
    }
    inString = stringStateAfter(line, inString);
    const content = line.trim();
    if (current && (inString !== undefined || (content !== '' && !content.startsWith('#')))) current.end = i + 1;
  }
  return [...arrays.values()].at(-1) ?? [];
}

/** The line of `phase = [ … ]`, where every phase of an inline array is, or `undefined`. */
export function inlinePhasesLine(text: string): PhaseLines | undefined {
  const lines = text.split(/\r?\n/);
  let inString: Quote | undefined;
  for (let i = 0; i < lines.length; i++) {
    const found = inString === undefined ? inlineArray.exec(lines[i]) : null;
    if (found) return { start: i + 1, end: i + 1, column: found[1].length + 1 };
    inString = stringStateAfter(lines[i], inString);
  }
  return undefined;
}

/** Whether a multi-line string is still open after `line`, given whether one was open before it. */
function stringStateAfter(line: string, open: Quote | undefined): Quote | undefined {
  let state = open;
  let at = 0;
  while (at < line.length) {
    if (state !== undefined) {
      const close = line.indexOf(state, at);
      if (close === -1) return state;
      at = close + 3;
      state = undefined;
      continue;
    }
    const char = line[at];
    if (char === '#') return undefined;
    if (line.startsWith('"""', at) || line.startsWith("'''", at)) {
      state = line.slice(at, at + 3) as Quote;
      at += 3;
      continue;
    }
    if (char === '"' || char === "'") {
      // A one-line string: skip to its end (a basic string may escape its quote).
      let end = at + 1;
      while (end < line.length && line[end] !== char) end += char === '"' && line[end] === '\\' ? 2 : 1;
      at = end + 1;
      continue;
    }
    at++;
  }
  return state;
}
