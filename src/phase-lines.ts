/**
 * Where each `[[phase]]` of a workflow file's text is, so a phase's problems can be shown on its
 * own lines (an editor's diagnostics, a CI annotation). Read from the text alone, in file order,
 * as the loader reads the phases: one entry per `[[phase]]` header in any case (`[[Phase]]`,
 * `[[ "phase" ]]`), from its header to its last non-blank line before the next table header;
 * `[phase.x]` sub-tables belong to the phase above them. Headers inside multi-line strings are
 * not headers.
 */

/** A phase's lines, 1-based and inclusive: `start` is its `[[phase]]` header. */
export interface PhaseLines {
  start: number;
  end: number;
}

const header = /^\s*\[\[?\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(\.|\]\]?)/;

/** The line range of each `[[phase]]` in `text`, in file order. */
export function phaseLines(text: string): PhaseLines[] {
  const lines = text.split(/\r?\n/);
  const ranges: PhaseLines[] = [];
  let current: PhaseLines | undefined;
  let inString: '"""' | "'''" | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (inString === undefined) {
      const found = header.exec(line);
      if (found) {
        const name = (found[1] ?? found[2] ?? found[3]).toLowerCase();
        const isArray = line.trimStart().startsWith('[[');
        if (name === 'phase' && isArray && found[4] !== '.') {
          current = { start: i + 1, end: i + 1 };
          ranges.push(current);
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
  return ranges;
}

/** Whether a multi-line string is still open after `line`, given whether one was open before it. */
function stringStateAfter(line: string, open: '"""' | "'''" | undefined): '"""' | "'''" | undefined {
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
      state = line.slice(at, at + 3) as '"""' | "'''";
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
