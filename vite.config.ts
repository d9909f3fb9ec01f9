/// <reference types="vitest/config" />
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

const external = [
  ...Object.keys(pkg.dependencies),
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
].map((name) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/.*)?$`));

// The library build: one bundle per runtime, dependencies left for the user's install.
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    minify: false,
    sourcemap: true,
    lib: {
      entry: { node: 'src/index.node.ts', browser: 'src/index.browser.ts', cli: 'src/cli.ts' },
      formats: ['es'],
    },
    rolldownOptions: { external, output: { chunkFileNames: 'shared-[hash].js' } },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.browser.test.ts', 'test/package/**'],
        },
      },
      {
        // The built package as users get it: imported by a plain Node script, bundled by vite.
        extends: true,
        test: {
          name: 'package',
          environment: 'node',
          include: ['test/package/**/*.test.ts'],
          globalSetup: ['test/setup/build-library.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
