import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, test } from 'vitest';
import { useTempDirs } from '../helpers.js';
import { root, run } from './run.js';

// The official SARIF 2.1.0 schema (2.1.0-rtm.5, draft-04), copied from the npm package
// @microsoft/jest-sarif 1.0.0-beta.0 (MIT), lib/schemas/sarif-2.1.0-rtm.5.json.
import sarifSchema from '../fixtures/sarif/sarif-2.1.0-rtm.5.json' with { type: 'json' };

const tempDir = useTempDirs();

/** The SARIF schema, compiled (its patterns are not valid as Unicode regular expressions). */
function sarifValidator() {
  // A CommonJS module: its default export is the class, typed as the module.
  const Ajv = AjvDraft04 as unknown as typeof AjvDraft04.default;
  return new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(sarifSchema);
}

describe('validate for CI', () => {
  test('a folder with no workflow files fails with a line that says so', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'empty'));
    const result = await run(['validate', 'empty'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('no workflow files in empty; check the path\n');
  });

  test('--json of an empty folder is not ok', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'empty'));
    const result = await run(['validate', 'empty', '--json'], dir);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, files: 0, error: 'no workflow files in empty; check the path' });
  });

  test('--format github: an annotation for every problem, on its phase header, and for every failed file', async () => {
    const result = await run(['validate', 'examples/broken', '--format', 'github'], root);
    expect(result.code).toBe(1);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      '::error file=examples/broken/problems.toml,line=3,col=1::extract: no valid rule found: cron=61 * * * * (cron minute: end of range (61) above maximum (59): 61)',
      '::error file=examples/broken/problems.toml,line=8,col=1::transform: parent task not found: stage',
      '::error file=examples/broken/problems.toml,line=13,col=1::publish: ignored rule: cron=0 6 * * *; warning: retry count exceeds recommended limit',
      '::error file=examples/broken/problems.toml,line=19,col=1::ping: dependency cycle: ping → pong → ping',
      '::error file=examples/broken/problems.toml,line=23,col=1::pong: dependency cycle: pong → ping → pong',
      "::error file=examples/broken/not-toml.toml,line=2,col=9::expected end of table array name delimiter ']', but got '\\n' instead",
    ]);
  });

  test('--format github: a duplicate phase and one after a multi-line string are on their own lines', async () => {
    const dir = await tempDir();
    const toml = [
      '[[phase]]', //                      1
      'task = "a"', //                     2
      'rule = "cron=0 * * * *"', //        3
      'template = """', //                 4
      '[[phase]]', //                      5: inside the string, not a phase
      '"""', //                            6
      '  [[ phase ]]  # indented', //      7
      'task = "a"', //                     8
      '[[phase]]', //                      9
      'task = "b"', //                    10
      'dependsOn = "nobody"', //          11
    ].join('\n');
    await mkdir(join(dir, 'w'));
    await writeFile(join(dir, 'w/dup.toml'), toml);
    const lines = (await run(['validate', 'w', '--format', 'github'], dir)).stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      '::error file=w/dup.toml,line=1,col=1::a: duplicate task: a again at phase 2, which is ignored',
      '::error file=w/dup.toml,line=9,col=1::b: parent task not found: nobody',
    ]);
  });

  test('--format github: with [[phase]] and [[Phase]] both, the phases are those of the array written last, as Go decodes them', async () => {
    const dir = await tempDir();
    const toml = ['[[phase]]', 'task = "a"', '[[phase]]', 'task = "b"', '', '[[Phase]]', 'dependsOn = "nobody"'].join('\n');
    await mkdir(join(dir, 'w'));
    await writeFile(join(dir, 'w/mixed.toml'), toml);
    const lines = (await run(['validate', 'w', '--format', 'github'], dir)).stdout.trimEnd().split('\n');
    // One phase: `a`, its dependsOn set by [[Phase]] decoded over it; `b` is cut off.
    expect(lines).toEqual(['::error file=w/mixed.toml,line=6,col=1::a: parent task not found: nobody']);
  });

  test('--format github escapes what would end or start a command', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'w'));
    await writeFile(join(dir, 'w/a,b:c.toml'), '[[phase]]\ntask = "x"\ndependsOn = "y%\\n::error::forged"\n');
    const result = await run(['validate', 'w', '--format', 'github'], dir);
    expect(result.stdout).toBe('::error file=w/a%2Cb%3Ac.toml,line=1,col=1::x: parent task not found: y%25%0A::error::forged\n');
  });

  test('--format github and sarif: a phase with warnings only is a warning, one with an error besides is an error', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'w'));
    const toml = '[[phase]]\ntask = "a"\nrule = "cron=0 0 * * *"\nretry = 11\n\n[[phase]]\ntask = "b"\ndependsOn = "nobody"\nretry = 11\n';
    await writeFile(join(dir, 'w/retries.toml'), toml);
    expect((await run(['validate', 'w', '--format', 'github'], dir)).stdout.trimEnd().split('\n')).toEqual([
      '::warning file=w/retries.toml,line=1,col=1::a: warning: retry count exceeds recommended limit',
      '::error file=w/retries.toml,line=6,col=1::b: parent task not found: nobody; warning: retry count exceeds recommended limit',
    ]);
    const log = JSON.parse((await run(['validate', 'w', '--format', 'sarif'], dir)).stdout);
    expect(log.runs[0].results.map((r: { level: string }) => r.level)).toEqual(['warning', 'error']);
  });

  test('--format github on an empty folder: one annotation without a file', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'empty'));
    expect((await run(['validate', 'empty', '--format', 'github'], dir)).stdout).toBe('::error::no workflow files in empty; check the path\n');
  });

  test('--format sarif is a SARIF 2.1.0 log that the official schema accepts, with each result on its line', async () => {
    const result = await run(['validate', 'examples/broken', '--format', 'sarif'], root);
    expect(result.code).toBe(1);
    const log = JSON.parse(result.stdout);
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.version).toBe('2.1.0');
    const results = log.runs[0].results;
    expect(results).toHaveLength(6);
    expect(results[1]).toEqual({
      ruleId: 'phase-problem',
      ruleIndex: 0,
      level: 'error',
      message: { text: 'transform: parent task not found: stage' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'examples/broken/problems.toml' }, region: { startLine: 8, startColumn: 1 } } }],
    });
    expect(results[5]).toMatchObject({ ruleId: 'load-failure', locations: [{ physicalLocation: { region: { startLine: 2, startColumn: 9 } } }] });
  });

  test('--format sarif of clean workflows has no results and exits 0', async () => {
    const result = await run(['validate', 'examples/workflows', '--format', 'sarif'], root);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).runs[0].results).toEqual([]);
  });

  test('the schema test itself rejects a log that breaks SARIF', async () => {
    const validate = sarifValidator();
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [] }] })).toBe(false);
  });
});

describe('graph reports failed files', () => {
  test('prints the graph of what loaded, names the failed file on stderr, exits 1', async () => {
    const result = await run(['graph', 'examples/broken'], root);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^flowchart LR\n/);
    expect(result.stderr).toBe("workflow-cache: not-toml.toml:2:9: expected end of table array name delimiter ']', but got '\\n' instead (not in the graph)\n");
  });

  test('--file of the failed file says why it has no graph', async () => {
    const result = await run(['graph', 'examples/broken', '--file', 'not-toml.toml'], root);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("not-toml.toml:2:9: expected end of table array name delimiter ']', but got '\\n' instead");
  });
});
