// docs/api.md against what the packed package really exports: every runtime export and every
// exported type of each entry point has a heading (or a list item) in the reference, under
// that entry's section, and the reference names nothing the package does not export; the README
// names each of them too, in a code span. A rename in
// src/ fails here with both names, the one to document and the one to drop.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeConsumer, packAndInstall, repoRoot, type Consumer, type Packed } from './consumer.js';

const reference = readFileSync(join(repoRoot, 'docs/api.md'), 'utf8');

/** The entry points, each with its section heading in docs/api.md and its declaration file. */
const entries = [
  { specifier: 'workflow-cache', conditions: ['node'], types: 'dist/types/index.node.d.ts' },
  { specifier: 'workflow-cache', conditions: ['browser'], types: 'dist/types/index.browser.d.ts' },
  { specifier: 'workflow-cache/tools', conditions: [], types: 'dist/types/index.tools.d.ts' },
  { specifier: 'workflow-cache/s3', conditions: [], types: 'dist/types/index.s3.d.ts' },
  { specifier: 'workflow-cache/http', conditions: [], types: 'dist/types/index.http.d.ts' },
] as const;

interface Documented {
  name: string;
  nodeOnly: boolean;
}

/**
 * The names docs/api.md documents under `## \`specifier\``: the name of each `###` heading of
 * a class, interface, type or const (`### class WorkflowCache`) or a function
 * (`### topic(phase) -> string`), and of each list item that starts with a code span
 * (`` - `QueryError`: … ``); other headings (`### Errors`) group. "(Node)" marks those the
 * browser condition lacks.
 */
function documentedIn(specifier: string): Documented[] {
  const sections = reference.split(/^## /m);
  const section = sections.find((s) => s.startsWith(`\`${specifier}\``));
  if (!section) throw new Error(`docs/api.md has no section "## \`${specifier}\`"`);
  const names: Documented[] = [];
  for (const line of section.split('\n')) {
    const heading = /^### (?:(?:class|interface|type|const) ([A-Za-z_$][\w$]*)|([A-Za-z_$][\w$]*)\()/.exec(line);
    const item = /^- `([A-Za-z_$][\w$]*)`/.exec(line);
    const name = heading ? (heading[1] ?? heading[2]) : item?.[1];
    if (name) names.push({ name, nodeOnly: line.includes('(Node)') });
  }
  return names;
}

/** Every name a declaration file exports, following `export * from` into the files it names. */
function declaredExports(file: string): Set<string> {
  const text = readFileSync(file, 'utf8');
  const names = new Set<string>();
  for (const [, from] of text.matchAll(/^export \* from '(.+?)';/gm)) {
    for (const name of declaredExports(join(dirname(file), from!.replace(/\.js$/, '.d.ts')))) names.add(name);
  }
  for (const [, list] of text.matchAll(/^export (?:type )?\{([^}]*)\}/gm)) {
    for (const part of list!.split(',')) {
      const name = part.trim().replace(/^type /, '').split(/\s+as\s+/).pop()!.trim();
      if (name) names.add(name);
    }
  }
  for (const [, name] of text.matchAll(/^export (?:declare )?(?:abstract )?(?:class|function|const|let|interface|type|enum) ([A-Za-z_$][\w$]*)/gm)) names.add(name!);
  return names;
}

let packed: Packed;
let consumer: Consumer;
beforeAll(() => {
  packed = packAndInstall();
  consumer = makeConsumer(packed);
});
afterAll(() => {
  consumer.remove();
  packed.remove();
});

/** The runtime exports of an entry as a Node program importing it under these conditions sees them. */
function runtimeExports(specifier: string, conditions: readonly string[]): string[] {
  const script = consumer.write('exports.mjs', `console.log(JSON.stringify(Object.keys(await import(process.argv[2]))));`);
  const out = execFileSync(process.execPath, [...conditions.map((c) => `--conditions=${c}`), script, specifier], { cwd: consumer.dir, encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

describe.each(entries)('$specifier ($conditions)', ({ specifier, conditions, types }) => {
  test('every runtime export is among the declared ones', () => {
    const declared = declaredExports(join(packed.nodeModules, 'workflow-cache', types));
    expect(runtimeExports(specifier, conditions).filter((n) => !declared.has(n))).toEqual([]);
  });

  test('docs/api.md documents exactly what it exports, runtime values and types', () => {
    const browser = conditions.includes('browser' as never);
    const documented = documentedIn(specifier)
      .filter((d) => !(browser && d.nodeOnly))
      .map((d) => d.name);
    const exported = [...declaredExports(join(packed.nodeModules, 'workflow-cache', types))];
    const undocumented = exported.filter((n) => !documented.includes(n)).sort();
    const notExported = [...new Set(documented.filter((n) => !exported.includes(n)))].sort();
    expect({ undocumented, notExported }, `add a heading to docs/api.md's "## \`${specifier}\`" for each undocumented export, and rename or remove each heading that is not exported`).toEqual({ undocumented: [], notExported: [] });
  });
});

test.each(entries)('the README names every export of $specifier ($conditions)', ({ types }) => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const exported = [...declaredExports(join(packed.nodeModules, 'workflow-cache', types))];
  expect(exported.filter((name) => !new RegExp(`\`${name}[\`(]`).test(readme)).sort()).toEqual([]);
});

test('the Node-only marks are exactly what the browser condition lacks', () => {
  const node = declaredExports(join(packed.nodeModules, 'workflow-cache', 'dist/types/index.node.d.ts'));
  const browser = declaredExports(join(packed.nodeModules, 'workflow-cache', 'dist/types/index.browser.d.ts'));
  const lacking = [...node].filter((n) => !browser.has(n)).sort();
  const marked = documentedIn('workflow-cache').filter((d) => d.nodeOnly).map((d) => d.name).sort();
  expect(marked).toEqual(lacking);
});
