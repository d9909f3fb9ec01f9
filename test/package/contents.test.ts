// What `npm pack` puts in the tarball, and what the packaging linters say of it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { packAndInstall, repoRoot, type Packed } from './consumer.js';

let packed: Packed;
beforeAll(() => {
  packed = packAndInstall();
});
afterAll(() => packed.remove());

const unpacked = (path: string) => join(packed.nodeModules, 'workflow-cache', path);

test('the tarball holds the build and the package documents, no sources, tests or benchmarks', () => {
  const outsideDist = packed.files.filter((f) => !f.startsWith('dist/'));
  // The JSON Schema of a workflow file, for editors (workflow-cache/workflow.schema.json).
  expect(outsideDist).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json', 'schema/workflow.schema.json']);
  const dist = packed.files.filter((f) => f.startsWith('dist/'));
  expect(dist.filter((f) => !/\.(js|js\.map|d\.ts|wasm)$/.test(f))).toEqual([]);
  expect(dist.filter((f) => /test|bench|fixture/i.test(f))).toEqual([]);
});

test('every file the exports map and the bin name is in the tarball', () => {
  const pkg = JSON.parse(readFileSync(unpacked('package.json'), 'utf8')) as { exports: unknown; bin: Record<string, string>; types: string };
  const targets = [pkg.types, ...Object.values(pkg.bin), ...leaves(pkg.exports)].map((t) => t.replace(/^\.\//, ''));
  expect(targets.filter((t) => !packed.files.includes(t))).toEqual([]);
});

test('the source maps carry their sources, since src/ is not shipped', () => {
  const maps = packed.files.filter((f) => f.endsWith('.map'));
  expect(maps.length).toBeGreaterThan(0);
  for (const map of maps) {
    const { sources, sourcesContent } = JSON.parse(readFileSync(unpacked(map), 'utf8')) as { sources: string[]; sourcesContent?: Array<string | null> };
    expect(sourcesContent?.filter((s) => typeof s === 'string').length, map).toBe(sources.length);
  }
});

test('publint finds nothing to report, suggestions included', () => {
  const out = execFileSync(process.execPath, [bin('publint'), 'run', packed.tarball, '--strict', '--level', 'suggestion'], { encoding: 'utf8' });
  expect(out).toContain('All good!');
});

test('are-the-types-wrong passes for an ESM-only package', () => {
  expect(attwProblems('esm-only')).toEqual([]);
});

test('the only problems are-the-types-wrong sees beyond ESM-only are those of being ESM-only', () => {
  // require() of an ESM file (CommonJS projects use await import()), and subpaths that the
  // pre-exports `node10` resolution cannot see: both follow from an ESM-only exports map.
  const kinds = new Set(attwProblems('strict').map((p) => `${p.kind} under ${p.resolutionKind}`));
  expect([...kinds].sort()).toEqual(['CJSResolvesToESM under node16-cjs', 'NoResolution under node10']);
});

interface AttwProblem {
  kind: string;
  entrypoint: string;
  resolutionKind: string;
}

function attwProblems(profile: 'esm-only' | 'strict'): AttwProblem[] {
  // The wasm is an asset, exported for bundlers and servers to copy, not a module.
  const args = [bin('@arethetypeswrong/cli', 'attw'), packed.tarball, '--format', 'json', '--profile', profile, '--exclude-entrypoints', './sql-wasm.wasm'];
  let out: string;
  try {
    out = execFileSync(process.execPath, args, { encoding: 'utf8' });
  } catch (e) {
    out = (e as { stdout: string }).stdout; // exit 1 when there are problems; the JSON says which
  }
  const { analysis } = JSON.parse(out) as { analysis: { problems: AttwProblem[] } };
  const ignored = profile === 'esm-only' ? ['node10', 'node16-cjs'] : [];
  return analysis.problems.filter((p) => !ignored.includes(p.resolutionKind));
}

function bin(pkg: string, name = pkg): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')) as { bin: string | Record<string, string> };
  return join(repoRoot, 'node_modules', pkg, typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[name]!);
}

function leaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Object.values(value as Record<string, unknown>).flatMap(leaves);
}
