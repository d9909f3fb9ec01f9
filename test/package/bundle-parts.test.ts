// Which code an import of the built package loads at once, and which only on first use: parts
// off the common path stay out of the first load (the bench's bundle figure counts that load,
// and, apart, everything reachable later), and the subpaths load only what they use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { chunksOf } from '../../bench/figures/bundle.mjs';
import { repoRoot } from './consumer.js';

const dist = join(repoRoot, 'dist');
const codeOf = (files: string[]) => files.map((f) => readFileSync(f, 'utf8')).join('\n');

test.each(['node', 'browser'])('an import of dist/%s.js loads no queryIsolated() code: it comes with the first call', (entry) => {
  const first = codeOf(chunksOf(join(dist, `${entry}.js`)));
  const later = codeOf(chunksOf(join(dist, `${entry}.js`), { lazy: true }));
  expect(first).not.toMatch(/function runIsolated\b/);
  expect(first).not.toContain(`query-worker.${entry}.js`);
  expect(later).toMatch(/function runIsolated\b/);
  expect(later).toContain(`query-worker.${entry}.js`);
});

test.each(['tools', 's3', 'http'])('workflow-cache/%s loads neither the cache itself nor a node: module', (entry) => {
  // s3 and http run in browsers and workers too; tools draws graphs of phases it is given.
  const code = codeOf(chunksOf(join(dist, `${entry}.js`)));
  expect(code).not.toMatch(/class WorkflowCache\b/);
  expect(code).not.toMatch(/from ["']node:/);
});
