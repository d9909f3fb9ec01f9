// Workflow files load here exactly when the Go cache loads them, with the phases Go's decoder
// (github.com/hydronica/toml, TOML 0.4, struct fields matched by strings.EqualFold) gives.
// Each verdict below is read from that decoder's lexer, parser and decode code.
import { describe, expect, it } from 'vitest';
import { MemorySource, MemoryStorage, RefreshError, WorkflowCache, WorkflowLoadError, type Phase } from '../src/index.node.js';
import { goBytes, goString } from '../src/go-string.js';
import { parseWorkflow } from '../src/workflow-file.js';
import { useCaches } from './helpers.js';

const utf8 = new TextEncoder();
const bytesOf = (...parts: Array<string | number[]>) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...utf8.encode(p)] : p)));
const phases = (text: string | Uint8Array) => parseWorkflow('w.toml', typeof text === 'string' ? utf8.encode(text) : text).phases;
const phase = (fields: Partial<Phase>): Phase => ({ task: '', rule: '', dependsOn: '', retry: 0, template: '', ...fields });

/** Go's verdict as ours: the error parseWorkflow throws, or undefined when the file loads. */
function failure(text: string | Uint8Array): WorkflowLoadError | undefined {
  try {
    phases(text);
    return undefined;
  } catch (error) {
    if (error instanceof WorkflowLoadError) return error;
    throw error;
  }
}

describe('a byte-order mark', () => {
  it('fails the file, as Go fails it: "bare keys cannot contain \'\\ufeff\'" at 1:1', () => {
    expect(failure(bytesOf([0xef, 0xbb, 0xbf], '[[phase]]\ntask = "a"\n'))).toMatchObject({ reason: "bare keys cannot contain '\\ufeff'", line: 1, column: 1 });
  });
});

describe('keys matched to fields as strings.EqualFold matches them', () => {
  it('reads "taſk" (long s, U+017F) and "tasK" (Kelvin sign, U+212A) as task', () => {
    expect(phases('[[phase]]\n"taſk" = "a"\n[[phase]]\n"tasK" = "b"\n')).toEqual([phase({ task: 'a' }), phase({ task: 'b' })]);
  });

  it('gives one phase for [[phase]] task = "b" then an empty [[Phase]]: both decode into one slice', () => {
    expect(phases('[[phase]]\ntask = "b"\n\n[[Phase]]\n')).toEqual([phase({ task: 'b' })]);
  });

  it('decodes a second array over the first, field by field, when it is no longer', () => {
    expect(phases('[[phase]]\ntask = "a"\n[[phase]]\ntask = "b"\n[[PHASE]]\nrule = "cron=0 * * * *"\n[[PHASE]]\n')).toEqual([
      phase({ task: 'a', rule: 'cron=0 * * * *' }),
      phase({ task: 'b' }),
    ]);
  });

  it('fails the file for checksum = 5: Workflow.Checksum is a string', () => {
    expect(failure('checksum = 5\n[[phase]]\ntask = "a"\n')?.reason).toContain('checksum must be a string');
  });

  it('keeps checksum = "abc" as the hash Go compares at the next refresh', () => {
    expect(parseWorkflow('w.toml', utf8.encode('Checksum = "abc"\n[[phase]]\ntask = "a"\n')).checksum).toBe('abc');
  });
});

describe('a file with a checksum key in the cache', () => {
  const caches = useCaches();

  it('is loaded anew at every refresh, as Go reloads it (its md5 never equals the checksum)', async () => {
    const source = new MemorySource({ 'w.toml': 'checksum = "abc"\n[[phase]]\ntask = "a"\nrule = "cron=0 * * * *"\n', 'plain.toml': '[[phase]]\ntask = "p"\nrule = "cron=0 * * * *"\n' });
    const cache = await caches.open({ workflows: source });
    expect([await cache.refresh(), await cache.refresh()]).toEqual([['w.toml'], ['w.toml']]);
    expect(cache.get({ type: 'a', meta: 'workflow=w.toml' }).task).toBe('a');
  });
});

describe('numbers', () => {
  it('keeps retry = 9007199254740993 exact, as a bigint', () => {
    expect(phases('[[phase]]\ntask = "a"\nretry = 9007199254740993\n')[0].retry).toBe(9007199254740993n);
  });

  it('loads retry = 9223372036854775807 and -9223372036854775808, the ends of int64', () => {
    expect(phases('[[phase]]\nretry = 9223372036854775807\n[[phase]]\nretry = -9223372036854775808\n').map((p) => p.retry)).toEqual([2n ** 63n - 1n, -(2n ** 63n)]);
  });

  it('fails the file for an integer outside int64 anywhere in it, an unknown key too', () => {
    expect(failure('[[phase]]\ntask = "a"\n[other]\nx = 9223372036854775808\n')).toMatchObject({ reason: "Integer '9223372036854775808' is out of the range of 64-bit signed integers.", line: 4, column: 5 });
  });

  it('reads leading zeros and a + sign, as Go\'s strconv.ParseInt does', () => {
    expect(phases('[[phase]]\nretry = 007\n[[phase]]\nretry = +1_000\n').map((p) => p.retry)).toEqual([7, 1000]);
  });

  it('refuses 0x10, 0o7, 0b1, inf, nan and floats out of range, which the decoder does not read', () => {
    const refused = ['0x10', '0o7', '0b1', 'inf', 'nan', '+inf', '1e400', '1__0', '1_', '1.'].filter((value) => failure(`x = ${value}\n`) !== undefined);
    expect(refused).toHaveLength(10);
  });
});

describe('the TOML of the decoder Go pins (TOML 0.4)', () => {
  it.each([
    ['"\\x41"', 'invalid escape character'],
    ['"\\e"', 'invalid escape character'],
  ])('refuses the escape %s', (value, reason) => {
    expect(failure(`[[phase]]\ntask = ${value}\n`)?.reason).toContain(reason);
  });

  it('refuses a dotted key', () => {
    expect(failure('[[phase]]\nmeta.owner = "ops"\ntask = "a"\n')).toMatchObject({ reason: "bare keys cannot contain '.'", line: 2, column: 5 });
  });

  it('loads the date-times Go\'s time.Parse takes in its three layouts, a one-digit hour too', () => {
    const loaded = ['1979-05-27', '1979-05-27T07:32:00', '1979-05-27T07:32:00.999Z', '1979-05-27T07:32:00-07:00', '1979-05-27T7:32:00Z'].filter((value) => failure(`d = ${value}\n`) === undefined);
    expect(loaded).toHaveLength(5);
  });

  it('refuses local times, a space for T, a lower-case t and days the month does not have', () => {
    const refused = ['07:32:00', '1979-05-27 07:32:00', '1979-05-27t07:32:00', '1979-02-30', '1979-05-27T24:00:00'].filter((value) => failure(`d = ${value}\n`) !== undefined);
    expect(refused).toHaveLength(5);
  });

  it('loads an inline table with a trailing comma, or a key given twice (its parser checks neither)', () => {
    expect([failure('x = {a = 1,}\n'), failure('x = {a = 1, a = 2}\n')]).toEqual([undefined, undefined]);
  });

  it('refuses an array of mixed types', () => {
    expect(failure('x = [1, "a"]\n')?.reason).toContain('arrays must be homogeneous');
  });

  it('refuses a comment inside an inline table (Go\'s decoder crashes on it)', () => {
    expect(failure('x = {a = 1 # note\n}\n')).toBeDefined();
  });

  it('refuses a line-ending backslash before CRLF in a """ string (Go\'s decoder crashes on it)', () => {
    expect(failure('[[phase]]\r\ntask = """a\\\r\n  b"""\r\n')).toMatchObject({ line: 2 });
  });

  it('reads a lone CR as a newline', () => {
    expect(phases('[[phase]]\rtask = "a"\rrule = "cron=0 * * * *"\r')).toEqual([phase({ task: 'a', rule: 'cron=0 * * * *' })]);
  });

  it('keeps control characters in strings', () => {
    expect(phases('[[phase]]\ntask = "a\u0001b"\n')[0].task).toBe('a\u0001b');
  });

  it('ends the file at a NUL byte after a value: the rest is not read', () => {
    expect(phases(bytesOf('[[phase]]\ntask = "a"', [0], '\n[[phase]\nbroken'))).toEqual([phase({ task: 'a' })]);
  });

  it('reads a multi-line string as a key', () => {
    expect(phases('[[phase]]\n"""task""" = "a"\n')).toEqual([phase({ task: 'a' })]);
  });

  it('still refuses a key given twice in a table, at its line', () => {
    expect(failure('[[phase]]\ntask = "a"\ntask = "b"\n')).toMatchObject({ reason: "Key 'phase.task' has already been defined.", line: 3, column: 1 });
  });
});

describe('bytes that are not UTF-8', () => {
  it('load inside a comment', () => {
    expect(phases(bytesOf('# caf', [0xe9], '\n[[phase]]\ntask = "a"\n'))).toEqual([phase({ task: 'a' })]);
  });

  it('are kept in a literal string, one to one', () => {
    const task = phases(bytesOf("[[phase]]\ntask = 'a:", [0xc3], "'\n"))[0].task;
    expect([task, task === 'a:\ufffd']).toEqual([`a:${goString(Uint8Array.of(0xc3))}`, false]);
  });

  it('become U+FFFD in a basic string, where Go decodes runes to replace escapes', () => {
    expect(phases(bytesOf('[[phase]]\ntask = "a:', [0xc3], '"\n'))[0].task).toBe('a:\ufffd');
  });

  it('stay distinct from a character of U+10FF80–U+10FFFF written in the file, which stands for bytes here', () => {
    const [escaped, written, literal] = phases(bytesOf("[[phase]]\ntask = '", [0xc3], "'\n[[phase]]\ntask = \"\\U0010FFC3\"\n[[phase]]\ntask = '\u{10ffc3}'\n")).map((p) => p.task);
    expect([escaped === written, written === literal, [...goBytes(written)]]).toEqual([false, true, [0xf4, 0x8f, 0xbf, 0x83]]);
  });

  it('fail the file in a bare key', () => {
    expect(failure(bytesOf('[[phase]]\nta', [0xff], 'sk = "a"\n'))).toMatchObject({ line: 2, column: 3 });
  });
});

describe('a phase whose job holds a byte that is not UTF-8, in the cache', () => {
  const caches = useCaches();
  const file = bytesOf("[[phase]]\ntask = 'load:", [0xc3], "'\nrule = \"cron=0 * * * *\"\n[[phase]]\ntask = \"load:\u{fffd}\"\nrule = \"cron=0 * * * *\"\n[[phase]]\ntask = \"next\"\ndependsOn = 'load:", [0xc3], "'\n");

  it('is found by meta job=%C3, and the U+FFFD phase by job=%EF%BF%BD', async () => {
    const source = new MemorySource();
    source.set('w.toml', file);
    const cache = await caches.open({ workflows: source });
    expect([cache.get({ type: 'load', meta: 'workflow=w.toml&job=%C3' }).task, cache.get({ type: 'load', meta: 'workflow=w.toml&job=%EF%BF%BD' }).task]).toEqual([
      `load:${goString(Uint8Array.of(0xc3))}`,
      'load:\ufffd',
    ]);
  });

  it('comes back byte for byte from a saved image', async () => {
    const source = new MemorySource();
    source.set('w.toml', file);
    const storage = new MemoryStorage();
    await (await WorkflowCache.open({ workflows: source, storage })).close();
    const saved = await WorkflowCache.openSaved({ storage });
    try {
      expect([saved.get({ type: 'load', meta: 'workflow=w.toml&job=%C3' }).task, saved.children({ type: 'load', meta: 'workflow=w.toml&job=%C3' }).map((p) => p.task)]).toEqual([
        `load:${goString(Uint8Array.of(0xc3))}`,
        ['next'],
      ]);
    } finally {
      await saved.close();
    }
  });

  it('keeps retry = 9007199254740993 exact through a saved image', async () => {
    const storage = new MemoryStorage();
    await (await WorkflowCache.open({ workflows: new MemorySource({ 'w.toml': '[[phase]]\ntask = "a"\nrule = "cron=0 * * * *"\nretry = 9007199254740993\n' }), storage })).close();
    const saved = await WorkflowCache.openSaved({ storage });
    try {
      expect(saved.get({ type: 'a', meta: 'workflow=w.toml' }).retry).toBe(9007199254740993n);
    } finally {
      await saved.close();
    }
  });
});

describe('a file Go refuses, in the cache', () => {
  const caches = useCaches();

  it('fails alone with line and column, keeping the other files', async () => {
    const source = new MemorySource({ 'ok.toml': '[[phase]]\ntask = "a"\nrule = "cron=0 * * * *"\n', 'bad.toml': '[[phase]]\ntask = "\\e"\n' });
    const cache = await caches.open({ workflows: source });
    expect(caches.warnings[0]).toBeInstanceOf(RefreshError);
    expect([cache.failures().map((f) => [f.file, f.line, f.column]), cache.phases().map((p) => p.task)]).toEqual([[['bad.toml', 2, 10]], ['a']]);
  });
});
