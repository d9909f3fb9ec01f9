import { describe, expect, it } from 'vitest';
import { inlinePhasesLine, phaseLines } from '../src/phase-lines.js';

describe('phaseLines', () => {
  it("gives each [[phase]] the lines from its header to its last non-blank line, in file order", () => {
    const text = '# notes\n[[phase]]\ntask = "a"\n\n[[phase]]\ntask = "b"\nretry = 2\n\n# trailing comment\n';
    expect(phaseLines(text)).toEqual([{ start: 2, end: 3, column: 1 }, { start: 5, end: 7, column: 1 }]);
  });

  it('finds headers in any case and with spaces or quotes, as TOML and the loader read them', () => {
    const text = '  [[ Phase ]]\ntask = "a"\n[[ "Phase" ]]\ntask = "b"\n';
    expect(phaseLines(text)).toEqual([{ start: 1, end: 2, column: 3 }, { start: 3, end: 4, column: 1 }]);
  });

  it('gives the phases of the array written last when keys of several cases mix, as Go decodes them', () => {
    const text = '[[phase]]\ntask = "a"\n[[phase]]\ntask = "b"\n[[PHASE]]\ndependsOn = "x"\n';
    expect(phaseLines(text)).toEqual([{ start: 5, end: 6, column: 1 }]);
  });

  it('ends a phase at another table, and keeps [phase.x] sub-tables in the phase above them', () => {
    const text = '[[phase]]\ntask = "a"\n[phase.extra]\nx = 1\n[other]\ny = 2\n[[phase]]\ntask = "b"\n';
    expect(phaseLines(text)).toEqual([{ start: 1, end: 4, column: 1 }, { start: 7, end: 8, column: 1 }]);
  });

  it('does not take a header inside a multi-line string for one', () => {
    const text = '[[phase]]\ntask = "a"\ntemplate = """\n[[phase]]\n"""\n[[phase]]\ntask = "b"\n';
    expect(phaseLines(text)).toEqual([{ start: 1, end: 5, column: 1 }, { start: 6, end: 7, column: 1 }]);
  });

  it('reads CRLF line ends as line ends, and finds nothing in a file without phases', () => {
    expect(phaseLines('[[phase]]\r\ntask = "a"\r\n')).toEqual([{ start: 1, end: 2, column: 1 }]);
    expect(phaseLines('title = "x"\n')).toEqual([]);
  });

  it('finds the line of an inline array of phases', () => {
    expect(inlinePhasesLine('title = "x"\n  phase = [ { task = "a" } ]\n')).toEqual({ start: 2, end: 2, column: 3 });
  });
});
