// Bundles the child processes (fixtures/saver.ts, open-planted.ts, open-cache.ts, memo-lookups.ts,
// the command line and its query worker, each with the library source) into files that plain
// Node runs, since Node 20 cannot run TypeScript; packages stay external, found in node_modules.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { saverFolder } from './saver-path.js';

export default async function buildSaver(): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: saverFolder,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      lib: {
        entry: {
          saver: fileURLToPath(new URL('../fixtures/saver.ts', import.meta.url)),
          'open-planted': fileURLToPath(new URL('../fixtures/open-planted.ts', import.meta.url)),
          'open-cache': fileURLToPath(new URL('../fixtures/open-cache.ts', import.meta.url)),
          'memo-lookups': fileURLToPath(new URL('../fixtures/memo-lookups.ts', import.meta.url)),
          cli: fileURLToPath(new URL('../../../src/cli.ts', import.meta.url)),
          // queryIsolated() starts its worker from this file, beside the bundle that calls it.
          'query-worker.node': fileURLToPath(new URL('../../../src/db/query-worker.node.js', import.meta.url)),
        },
        formats: ['es'],
        fileName: (_format, name) => (name === 'query-worker.node' ? `${name}.js` : `${name}.mjs`),
      },
      rolldownOptions: { external: (id: string) => !/^[./\\\0]/.test(id) && !/^[A-Za-z]:/.test(id) },
    },
  });
}
