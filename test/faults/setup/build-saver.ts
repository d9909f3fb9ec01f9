// Bundles the saver child (fixtures/saver.ts with the library source) and the command line
// into .mjs files that plain Node runs, since Node 20 cannot run TypeScript; packages stay
// external, found in node_modules.
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
          // The command line, for faults only a separate process (another user, another PID namespace) shows.
          cli: fileURLToPath(new URL('../../../src/cli.ts', import.meta.url)),
        },
        formats: ['es'],
        fileName: (_format, name) => `${name}.mjs`,
      },
      rolldownOptions: { external: (id: string) => !/^[./\\\0]/.test(id) && !/^[A-Za-z]:/.test(id) },
    },
  });
}
