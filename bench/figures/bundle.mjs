// Library bundle size: each entry with the chunks it imports, minified and gzipped; sql.js, its
// wasm and the other dependencies are imports left to the user's install, so not counted.
// Two figures per entry: what an app loads by importing it (the entry and the chunks it imports
// statically: the target's figure), and, for information, everything it can ever load (the
// chunks loaded on first use of a part off the common path, and the workers they start, too).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { minifySync, parseSync } from 'vite';
import { figureOf } from '../harness.mjs';

// A worker's script: a quoted `./x.js` beside the chunk (`new URL("./x.js", import.meta.url)`, or
// a constant passed to it), read in minified code, where no comment names one.
const scriptName = /["'`](\.\/[\w.-]+\.js)["'`]/g;

/** The local files a chunk imports statically, and those it loads later (`import()`, workers). */
function importsOf(file) {
  const code = readFileSync(file, 'utf8');
  const { module } = parseSync(file, code);
  const local = (spec) => spec.startsWith('./') || spec.startsWith('../');
  const at = ({ start, end }) => code.slice(start, end).replace(/^["'`]|["'`]$/g, '');
  const eager = [
    ...module.staticImports.map((i) => i.moduleRequest.value),
    ...module.staticExports.flatMap((e) => e.entries.map((x) => x.moduleRequest?.value).filter(Boolean)),
  ];
  const workers = [...minified(file).matchAll(scriptName)].map((m) => m[1]).filter((s) => existsSync(join(dirname(file), s)));
  const later = [...module.dynamicImports.map((i) => at(i.moduleRequest)), ...workers];
  return { eager: eager.filter(local).map((s) => join(dirname(file), s)), later: later.filter(local).map((s) => join(dirname(file), s)) };
}

/**
 * The entry file and every local chunk it imports, each once: static imports only, or lazy ones
 * (and the files they import) too.
 */
export function chunksOf(entry, { lazy = false } = {}) {
  const seen = new Set();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const { eager, later } = importsOf(file);
    pending.push(...eager, ...(lazy ? later : []));
  }
  return [...seen];
}

const minifiedCode = new Map();
function minified(file) {
  if (!minifiedCode.has(file)) minifiedCode.set(file, minifySync(file, readFileSync(file, 'utf8'), { compress: true, mangle: true }).code);
  return minifiedCode.get(file);
}

/** KB of the files minified and gzipped together, as a bundler's output would be served. */
export function minGzipKb(files) {
  return gzipSync(files.map(minified).join('\n'), { level: 9 }).length / 1024;
}

const plural = (n) => `${n} chunk${n === 1 ? '' : 's'}`;

/** @param {string} dist the build folder */
export function bundleFigures(dist) {
  return ['node', 'browser'].flatMap((entry) => {
    const file = join(dist, `${entry}.js`);
    const loaded = chunksOf(file);
    const reachable = chunksOf(file, { lazy: true });
    return [
      figureOf({ figure: `bundle dist/${entry}.js (+ ${plural(loaded.length - 1)} it imports), min + gzip`, baselineName: '—', ours: minGzipKb(loaded), unit: 'KB', target: 12 }),
      figureOf({
        figure: `bundle dist/${entry}.js with every part it loads on first use (+ ${plural(reachable.length - loaded.length)} more), min + gzip`,
        baselineName: '—',
        ours: minGzipKb(reachable),
        unit: 'KB',
      }),
    ];
  });
}
