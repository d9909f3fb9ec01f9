// What each module of src/ adds to what an import of the package loads, min + gzip:
//   node scripts/bundle-attribution.mjs [node|browser] [--modules]
// Builds the entry alone (its `import()` chunks apart, as in dist/), then, for each group of
// modules below, gzips the entry's minified code once with every module and once without the
// group's: the difference is what the group costs in the bundle as served (gzip shares strings
// across modules, so the figures add up to a little more than the whole). Comments are dropped
// by the minifier; dead code is not, since the modules are joined without their exports.
import { builtinModules } from 'node:module';
import { relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, minifySync } from 'vite';
import pkg from '../package.json' with { type: 'json' };

const entry = process.argv[2] ?? 'browser';
const perModule = process.argv.includes('--modules');
const external = [...Object.keys(pkg.dependencies), ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]
  .map((name) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/.*)?$`));

/** Groups by what the code is for, first match wins. */
const groups = [
  ['TOML decoder (Go hydronica/toml port)', /src\/(go-toml-lexer|go-toml|workflow-file|go-string)\.ts$/],
  ['cron check (robfig/cron port, Go durations, zones)', /src\/(cron|go-duration|go-strings)\.ts$|src\/time-zones\//],
  ['phase checks (status, parents, cycles, line numbers, recheck)', /src\/(check-phases|rule-problems|parents|dependency-cycles|problem|phase-lines|recheck-store)\.ts$/],
  ['read-only query guard (query())', /src\/db\/(read-only|sql-tokens)\.ts$/],
  ['tables, history rows, read cache', /src\/db\/(workflow-tables|history-table|phase-row|statement-cache)\.ts$|src\/(store|read-cache|answer-memo|history)\.ts$/],
  ['saved images: open, check the schema, migrate, move aside', /src\/db\/(open-image|schema|schema-check|sql-js|load-engine)\.ts$|src\/open-database\.ts$/],
  ['refresh', /src\/(refresh-store|save-queue)\.ts$/],
  ['WorkflowCache, options, tasks, stats', /src\/(cache|open-options|task-reader|stats|phase|query-string)\.ts$/],
  ['error classes', /src\/(errors\.ts|message-of\.js)$/],
  ['watch (Node)', /src\/(watch|folder-watchers)\.ts$/],
  ['FileStorage: lock, atomic write (Node)', /src\/storage\/(file|file-lock|atomic-file)\.ts$/],
  ['sources (folders, memory, filters)', /src\/sources\//],
  ['other storage (memory, IndexedDB)', /src\/storage\//],
  ['entry and the rest', /./],
];

const [out] = await build({
  configFile: false,
  logLevel: 'silent',
  build: { write: false, minify: false, target: 'es2022', lib: { entry: { [entry]: `src/index.${entry}.ts` }, formats: ['es'] }, rolldownOptions: { external } },
});
const chunks = out.output.filter((c) => c.type === 'chunk');
const loaded = new Set();
const pending = [chunks.find((c) => c.isEntry).fileName];
while (pending.length > 0) {
  const name = pending.pop();
  const chunk = chunks.find((c) => c.fileName === name);
  if (!chunk || loaded.has(chunk)) continue;
  loaded.add(chunk);
  pending.push(...chunk.imports);
}
const modules = [...loaded].flatMap((c) => Object.entries(c.modules)).map(([id, m]) => ({ id: relative(process.cwd(), id), code: m.code ?? '' }));
const kb = (list) => gzipSync(minifySync('joined.mjs', list.map((m) => m.code).join('\n'), { compress: false, mangle: true }).code, { level: 9 }).length / 1024;
const whole = kb(modules);

const rows = [];
const grouped = new Set();
for (const [name, test] of groups) {
  const members = modules.filter((m) => !grouped.has(m) && test.test(m.id));
  if (members.length === 0) continue;
  for (const m of members) grouped.add(m);
  const set = new Set(members);
  rows.push({ name, kb: whole - kb(modules.filter((m) => !set.has(m))), members });
}
console.log(`dist/${entry}.js as an import loads it: ${whole.toFixed(2)} KB (the modules joined, mangled, not compressed)\n`);
console.log('| part | KB |\n| --- | --- |');
for (const r of rows.sort((a, b) => b.kb - a.kb)) {
  console.log(`| ${r.name} | ${r.kb.toFixed(2)} |`);
  if (perModule) {
    for (const m of r.members) console.log(`|   ${m.id} | ${(whole - kb(modules.filter((x) => x !== m))).toFixed(2)} |`);
  }
}
