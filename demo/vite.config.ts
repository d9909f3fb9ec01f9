import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The playground: a static site that works from any folder (base './') with no network at all.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: {
    outDir: fileURLToPath(new URL('../dist-demo', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The wasm must stay a file: inlined as a data URL it would need a CSP exception.
    assetsInlineLimit: 0,
    // One page, loaded once and then offline: its editor and SQLite make one large chunk on purpose.
    chunkSizeWarningLimit: 1200,
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
