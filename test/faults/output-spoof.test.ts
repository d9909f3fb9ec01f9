// Hostile names and values cannot spoof the command line's text output: a file named to print a
// fake summary line, ANSI and OSC escapes (clear the screen, retitle the terminal), C1 controls
// and bidi overrides in names, tasks and templates all come out as visible escapes. --json keeps
// the exact values.
import { execFile, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { tempFolder } from './helpers.js';
import { cliPath } from './setup/saver-path.js';

const fakeSummary = 'files: 999 loaded, 0 failed';
/**
 * A file whose name, printed raw, adds the line `files: 999 loaded, 0 failed`. A control byte in a
 * path fails the file, as in Go (url.Parse), so it shows in the failed files list.
 */
const evilName = `evil\n${fakeSummary}\n.toml`;
/** One that loads (no ASCII control byte), with line separators and a bidi override instead. */
const loadedEvilName = `evil\u2028${fakeSummary}\u2028\u202e.toml`;
/** How both are printed. */
const evilShown = 'evil\\nfiles: 999 loaded, 0 failed\\n.toml';
const loadedEvilShown = 'evil\\u2028files: 999 loaded, 0 failed\\u2028\\u202e.toml';
const refusedPath = 'a path the Go cache cannot read (url.Parse: net/url: invalid control character in URL); rename it';
const clearScreen = '\u001b[2J\u001b[H';
const retitle = '\u001b]0;pwned\u0007';
/** C1 CSI (a CSI by itself on 8-bit terminals) and a right-to-left override. */
const c1AndBidi = '\u009b2J \u202etxt.hs';

/** What a terminal would act on; a newline is ours to print. */
const controls = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { cwd }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A folder of hostile workflows: names, tasks, dependencies and templates with escapes. */
async function hostileWorkflows(): Promise<string> {
  const folder = await tempFolder();
  const workflows = join(folder, 'workflows');
  await mkdir(workflows);
  // A problem (a missing parent) puts the name in the problems list.
  await writeFile(join(workflows, loadedEvilName), '[[phase]]\ntask = "x"\ndependsOn = "nobody"\n');
  // Names with control bytes fail to load, so they are in the failed files list.
  await writeFile(join(workflows, evilName), '[[phase]]\ntask = "x"\ndependsOn = "nobody"\n');
  await writeFile(join(workflows, `bad${clearScreen}.toml`), 'bad = [');
  // A syntax error puts the name in the failed files list with its line.
  await writeFile(join(workflows, `syntax\u202e.toml`), 'bad = [');
  const esc = (s: string) => JSON.stringify(s); // TOML basic strings take JSON's escapes
  await writeFile(
    join(workflows, 'ansi.toml'),
    `[[phase]]\ntask = ${esc(`${clearScreen}start`)}\nrule = "cron=0 * * * *"\ntemplate = ${esc(`${retitle}${c1AndBidi}`)}\n\n` +
      `[[phase]]\ntask = "next"\ndependsOn = ${esc(`${retitle}gone`)}\n`,
  );
  return folder;
}

/** Fails unless `text` holds no control character but newlines, and no line but ours. */
function expectNoSpoofing(text: string): void {
  const bad = [...text].filter((c) => controls.test(c)).map((c) => `U+${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
  expect(bad, text).toEqual([]);
  expect(text.split('\n').filter((line) => line === fakeSummary)).toEqual([]);
}

describe('text output shows hostile names and values as escapes', () => {
  test('load and validate: one summary line, the file name escaped on its own row', async () => {
    const folder = await hostileWorkflows();
    for (const args of [['load', 'workflows', '--db', 'db.sqlite'], ['validate', 'workflows']]) {
      const run = await cli(args, folder);
      expect(run.code, run.stderr).toBe(1);
      expectNoSpoofing(run.stdout);
      expectNoSpoofing(run.stderr);
      expect(run.stdout.split('\n').filter((line) => line.startsWith('files:'))).toEqual(['files: 2 loaded, 3 failed']);
      expect(run.stdout.split('\n').some((line) => line.startsWith(`  ${loadedEvilShown}  x  `) && line.endsWith('  parent task not found: nobody'))).toBe(true);
      expect(run.stdout).toContain(`\n  ${evilShown}: ${refusedPath}\n`);
      expect(run.stdout).toContain(`\n  bad\\x1b[2J\\x1b[H.toml: ${refusedPath}\n`);
      expect(run.stdout).toContain('  syntax\\u202e.toml:1:');
      expect(run.stdout).toContain('next  parent task not found: \\x1b]0;pwned\\x07gone');
    }
  });

  test('validate --json keeps the exact names and values', async () => {
    const folder = await hostileWorkflows();
    const run = await cli(['validate', 'workflows', '--json'], folder);
    const report = JSON.parse(run.stdout) as { problems: { file: string; status: string }[]; failures: { file: string }[] };
    expect(report.problems.map((p) => p.file)).toContain(loadedEvilName);
    expect(report.problems.map((p) => p.status)).toContain(`parent task not found: ${retitle}gone`);
    expect(report.failures.map((f) => f.file)).toEqual([`bad${clearScreen}.toml`, evilName, 'syntax\u202e.toml']);
  });

  test('query: cells and column names escaped, the table still aligned; --json exact', async () => {
    const folder = await hostileWorkflows();
    await cli(['load', 'workflows', '--db', 'db.sqlite'], folder);
    const sql = `SELECT file_path, task, template AS "${retitle}t" FROM workflow_phases ORDER BY file_path, position`;
    const table = await cli(['query', '--db', 'db.sqlite', sql], folder);
    expect(table.code, table.stderr).toBe(0);
    expectNoSpoofing(table.stdout);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^file_path +task +\\x1b\]0;pwned\\x07t$/);
    const row = lines.find((line) => line.startsWith('ansi.toml'))!;
    expect(row).toMatch(/^ansi\.toml +\\x1b\[2J\\x1b\[Hstart +\\x1b\]0;pwned\\x07\\x9b2J \\u202etxt\.hs$/);
    // Measured as shown: the task column starts where its header does.
    expect(row.indexOf('\\x1b[2J')).toBe(lines[0].indexOf('task'));
    const json = await cli(['query', '--db', 'db.sqlite', '--json', sql], folder);
    const rows = JSON.parse(json.stdout) as Record<string, string>[];
    expect(rows.map((r) => r.file_path)).toContain(loadedEvilName);
    expect(rows.map((r) => r[`${retitle}t`])).toContain(`${retitle}${c1AndBidi}`);
  });

  test('history: the file key, phases and changed values escaped', async () => {
    const folder = await hostileWorkflows();
    await cli(['load', 'workflows', '--db', 'db.sqlite'], folder);
    await writeFile(join(folder, 'workflows', loadedEvilName), `[[phase]]\ntask = "x"\ndependsOn = "nobody"\ntemplate = ${JSON.stringify(c1AndBidi)}\n`);
    await cli(['load', 'workflows', '--db', 'db.sqlite'], folder);
    const run = await cli(['history', loadedEvilName, '--db', 'db.sqlite'], folder);
    expect(run.code, run.stderr).toBe(0);
    expectNoSpoofing(run.stdout);
    expect(run.stdout.startsWith(`${loadedEvilShown}: 2 versions\n`)).toBe(true);
    expect(run.stdout).toContain('template: "" → "\\x9b2J \\u202etxt.hs"');
  });

  test('graph: mermaid and dot escape names; an unknown --file lists the keys escaped on stderr', async () => {
    const folder = await hostileWorkflows();
    // dot's quoted strings take a backslash doubled.
    for (const [format, slash] of [['mermaid', '\\'], ['dot', '\\\\']]) {
      const run = await cli(['graph', 'workflows', '--format', format], folder);
      // 1: files failed (their names, escaped, on stderr); the graph of the rest is printed.
      expect(run.code, run.stderr).toBe(1);
      expectNoSpoofing(run.stderr);
      expectNoSpoofing(run.stdout);
      expect(run.stdout).toContain(`${slash}x1b[2J${slash}x1b[Hstart`);
      expect(run.stdout).toContain(`evil${slash}u2028files: 999 loaded, 0 failed${slash}u2028${slash}u202e.toml`);
    }
    const json = await cli(['graph', 'workflows', '--format', 'json'], folder);
    expect(json.stdout).toContain(JSON.stringify(`${clearScreen}start`).slice(1, -1));
    const unknown = await cli(['graph', 'workflows', '--file', 'nope.toml'], folder);
    expect(unknown.code).toBe(2);
    expectNoSpoofing(unknown.stderr);
    expect(unknown.stderr).toContain(loadedEvilShown);
  });

  test('watch: the start report and each reload escape names', async () => {
    const folder = await hostileWorkflows();
    const child = spawn(process.execPath, [cliPath, 'watch', 'workflows', '--poll', '--interval', '100'], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const until = async (check: () => boolean) => {
      while (!check()) await new Promise((r) => setTimeout(r, 25));
    };
    try {
      await until(() => out.includes('Ctrl-C stops'));
      await writeFile(join(folder, 'workflows', `late\u202e\u2028${fakeSummary}.toml`), '[[phase]]\ntask = "late"\ndependsOn = "nobody"\n');
      // The reload line, then the problem of the new file beside the one of the start report.
      await until(() => /reloaded late/.test(out) && out.split('parent task not found: nobody').length > 2);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    expectNoSpoofing(out);
    expect(out).toMatch(/ reloaded late\\u202e\\u2028files: 999 loaded, 0 failed\.toml: \d+ phases/);
    expect(out).toMatch(/\n {4}late\\u202e\\u2028files: 999 loaded, 0 failed\.toml +late +parent task not found: nobody\n/);
  });
});
