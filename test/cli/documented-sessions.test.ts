// The command-line sessions shown in README.md and docs/cli.md, run as written: every fenced
// block whose first line is `$ command` is run by sh, command by command, in a temporary copy of
// the repository's examples/ (one folder per document, so a block may use what an earlier one
// wrote), and each command's output, stdout and stderr as a terminal shows them, must be the
// documented one. Only what differs between runs is normalised: clock times, dates, durations.
// A block right after `<!-- not run: why -->` is left out (a session that needs another shell).
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cli, root } from './run.js';

interface Command {
  line: string;
  expected: string;
}

interface Session {
  /** The line of the block's opening fence, 1-based, for the test's name. */
  line: number;
  commands: Command[];
}

/** The runnable sessions of a Markdown document, in order. */
function sessionsOf(markdown: string): Session[] {
  const lines = markdown.split('\n');
  const sessions: Session[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```\S*$/.test(lines[i]!)) continue;
    const open = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    if (lines[open] !== '```' || !body[0]?.startsWith('$ ')) continue;
    if (lines[open - 1]?.startsWith('<!-- not run:')) continue;
    const commands: Command[] = [];
    for (const text of body) {
      if (text.startsWith('$ ')) commands.push({ line: text.slice(2), expected: '' });
      else commands.at(-1)!.expected += `${text}\n`;
    }
    for (const c of commands) c.expected = c.expected.replace(/\n+$/, '\n').replace(/^\n$/, '');
    sessions.push({ line: open + 1, commands });
  }
  return sessions;
}

/** What may differ from one run to the next, made the same. */
function normalise(text: string, dir: string): string {
  return text
    .split(dir).join('<tmp>')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/g, '<date>')
    .replace(/\b\d\d:\d\d:\d\d\b/g, '<time>')
    .replace(/\b\d+(?:\.\d+)?ms\b/g, '<ms>')
    .split('\n')
    .map((line) => (/\d+\.\d{3}\b|^operation /.test(line) ? line.replace(/\b\d+\.\d{3}\b/g, '<ms>').replace(/ +/g, ' ') : line))
    .join('\n');
}

function parsesAsJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Compares a command's output with its documented block: as data when the block is JSON (the
 * docs print it one object a line), with a line `…` standing for any lines, else to the letter.
 */
function expectOutput(actual: string, expected: string, command: string): void {
  const json = expected.trim() === '' ? undefined : parsesAsJson(expected);
  if (json !== undefined) {
    expect(parsesAsJson(actual), `$ ${command}`).toEqual(json);
  } else if (expected.split('\n').includes('…')) {
    const pattern = expected
      .split('\n')
      .map((l) => (l === '…' ? '(?:.*\\n)*?' : `${l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`))
      .join('')
      .replace(/\\n$/, '');
    expect(actual, `$ ${command}`).toMatch(new RegExp(`^${pattern}\\n?$`));
  } else {
    expect(actual, `$ ${command}`).toBe(expected);
  }
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.each(['README.md', 'docs/cli.md'])('%s', (document) => {
  const sessions = sessionsOf(readFileSync(join(root, document), 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'workflow-cache-docs-'));
  dirs.push(dir);
  cpSync(join(root, 'examples'), join(dir, 'examples'), { recursive: true });
  // `workflow-cache` as the installed bin would run it: the built CLI.
  const bin = join(dir, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'workflow-cache'), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
  chmodSync(join(bin, 'workflow-cache'), 0o755);

  test('has sessions to run', () => {
    expect(sessions.length).toBeGreaterThan(0);
  });

  test.each(sessions.map((s) => [s.line, s] as const))(`the session at ${document}:%i prints what it shows`, (_line, session) => {
    // One shell per block, so `echo $?` sees the command before it; a record separator before
    // each command splits the output.
    const script = ['exec 2>&1', '__s=0', ...session.commands.flatMap((c, i) => [`printf '\\036${i}\\n'`, '(exit $__s)', c.line, '__s=$?'])].join('\n');
    const out = execFileSync('sh', ['-c', script], {
      cwd: dir,
      encoding: 'utf8',
      // A session that does not end by itself (watch, serve) belongs after a `not run` mark.
      timeout: 30_000,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1', TZ: 'UTC' },
    });
    const outputs = out.split(/\x1e\d+\n/).slice(1);
    session.commands.forEach((c, i) => expectOutput(normalise(outputs[i]!, dir), normalise(c.expected, dir), c.line));
  });
});
