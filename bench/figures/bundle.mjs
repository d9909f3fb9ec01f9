// Library bundle size: each entry with the chunks it imports, minified and gzipped; sql.js, its
// wasm and the other dependencies are imports left to the user's install, so not counted.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { minifySync } from 'vite';
import { figureOf } from '../harness.mjs';

/** The entry file and every local chunk it imports, each once. */
function withChunks(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(file, 'utf8');
  for (const [, spec] of code.matchAll(/(?:from|import)\s*\(?\s*["'](\.\.?\/[^"']+)["']/g)) withChunks(join(dirname(file), spec), seen);
  return seen;
}

/** @param {string} dist the build folder */
export function bundleFigures(dist) {
  return ['node', 'browser'].map((entry) => {
    const files = [...withChunks(join(dist, `${entry}.js`))];
    const minified = files.map((f) => minifySync(f, readFileSync(f, 'utf8'), { compress: true, mangle: true }).code).join('\n');
    const kb = gzipSync(minified, { level: 9 }).length / 1024;
    return figureOf({ figure: `bundle dist/${entry}.js (+ ${files.length - 1} chunk${files.length === 2 ? '' : 's'}), min + gzip`, baselineName: '—', ours: kb, unit: 'KB', target: 12 });
  });
}
