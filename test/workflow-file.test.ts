// parseWorkflow(): the phases of one TOML file, keys matched case-insensitively as Go's decoder
// matches them, with wrong types and syntax errors reported against the file.
import { describe, expect, it } from 'vitest';
import { WorkflowLoadError } from '../src/index.node.js';
import { parseWorkflow } from '../src/workflow-file.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const parse = (text: string) => parseWorkflow('w.toml', bytes(text)).phases;

/** The error parseWorkflow throws for this text. */
function failure(text: string): WorkflowLoadError {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof WorkflowLoadError) return error;
    throw error;
  }
  throw new Error('expected a WorkflowLoadError');
}

describe('parseWorkflow()', () => {
  it('reads [[phase]] tables in file order', () => {
    expect(parse('[[phase]]\ntask = "a"\n[[phase]]\ntask = "b"').map((p) => p.task)).toEqual(['a', 'b']);
  });

  it('reads [[Phase]] as [[phase]]', () => {
    expect(parse('[[Phase]]\ntask = "a"')).toHaveLength(1);
  });

  it('reads DependsOn, dependsOn and dependson alike', () => {
    const phases = parse('[[phase]]\nDependsOn = "x"\n[[phase]]\ndependsOn = "y"\n[[phase]]\ndependson = "z"');
    expect(phases.map((p) => p.dependsOn)).toEqual(['x', 'y', 'z']);
  });

  it('reads every field whatever its case', () => {
    expect(parse('[[PHASE]]\nTASK = "t"\nRule = "r"\nDEPENDSON = "d"\nRetry = 2\nTemplate = "?x"')).toEqual([
      { task: 't', rule: 'r', dependsOn: 'd', retry: 2, template: '?x' },
    ]);
  });

  it('gives missing fields their empty values', () => {
    expect(parse('[[phase]]\ntask = "a"')).toEqual([{ task: 'a', rule: '', dependsOn: '', retry: 0, template: '' }]);
  });

  it('ignores unknown keys in a phase', () => {
    expect(parse('[[phase]]\ntask = "a"\nowner = "ops"\nenabled = true')).toEqual([
      { task: 'a', rule: '', dependsOn: '', retry: 0, template: '' },
    ]);
  });

  it('ignores unknown top-level keys and tables', () => {
    expect(parse('title = "x"\n[settings]\nmode = 1\n[[phase]]\ntask = "a"')).toHaveLength(1);
  });

  it('reads an empty file as no phases', () => {
    expect(parse('')).toEqual([]);
  });

  it('rejects retry = "x", naming the file and the field', () => {
    expect(failure('[[phase]]\ntask = "a"\nretry = "x"')).toMatchObject({ file: 'w.toml', message: expect.stringMatching(/^w\.toml: .*retry.*integer/) });
  });

  it('rejects a fractional retry', () => {
    expect(failure('[[phase]]\ntask = "a"\nretry = 1.5').reason).toContain('retry');
  });

  it('rejects task = 5, naming the file and the field', () => {
    expect(failure('[[phase]]\ntask = 5')).toMatchObject({ file: 'w.toml', reason: expect.stringContaining('task must be a string') });
  });

  it('rejects phase written as a single value rather than an array of tables', () => {
    expect(failure('phase = "a"')).toMatchObject({ file: 'w.toml', reason: expect.stringContaining('array of tables') });
  });

  it('rejects phase written as a single table', () => {
    expect(failure('[phase]\ntask = "a"').reason).toContain('array of tables');
  });

  it('rejects an array of phases that are not tables', () => {
    expect(failure('phase = [1, 2]').reason).toContain('must be a table');
  });

  it('reports a TOML syntax error with line and column', () => {
    expect(failure('[[phase]]\ntask = "a"\nrule = oops')).toMatchObject({ file: 'w.toml', line: 3, column: expect.any(Number) });
  });

  it('puts file:line:column first in the message of a syntax error', () => {
    expect(failure('[[phase]]\ntask = "a"\nrule = oops').message).toMatch(/^w\.toml:3:\d+: /);
  });

  it('rejects bytes that are not UTF-8 in a table name, as Go does', () => {
    expect(() => parseWorkflow('w.toml', new Uint8Array([0x5b, 0xff, 0xfe]))).toThrow(WorkflowLoadError);
  });
});
