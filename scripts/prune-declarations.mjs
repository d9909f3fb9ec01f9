// Deletes the declaration files that no entry point's declarations reach. tsc emits one for every
// module the entry points import at run time; users compile against fewer, and the package
// should ship those alone.
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'dist/types');
const entries = ['index.node.d.ts', 'index.browser.d.ts', 'index.tools.d.ts', 'index.s3.d.ts', 'index.http.d.ts'];
// `from './x.js'`, `import('./x.js')` and `export * from './x.js'`: the relative ones only.
const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

const reached = new Set();
const pending = entries.map((e) => join(root, e));
while (pending.length > 0) {
  const file = pending.pop();
  if (reached.has(file)) continue;
  if (!existsSync(file)) throw new Error(`${relative(root, file)} is imported by a declaration but was not emitted`);
  reached.add(file);
  for (const [, path] of readFileSync(file, 'utf8').matchAll(specifier)) {
    pending.push(resolve(dirname(file), path.replace(/\.js$/, '.d.ts')));
  }
}

for (const name of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
  const file = join(root, name);
  if (name.endsWith('.d.ts') && !reached.has(file)) rmSync(file);
}
// Folders left empty, deepest first.
const folders = readdirSync(root, { recursive: true, withFileTypes: true }).filter((d) => d.isDirectory());
for (const folder of folders.map((d) => join(d.parentPath, d.name)).sort().reverse()) {
  if (readdirSync(folder).length === 0) rmdirSync(folder);
}
