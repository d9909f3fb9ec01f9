/// <reference types="vitest/config" />
import { playwright } from '@vitest/browser-playwright';
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { defineConfig, type Plugin } from 'vite';
import pkg from './package.json' with { type: 'json' };
import { chromiumLaunchOptions } from './test/setup/chromium.ts';

const external = [
  ...Object.keys(pkg.dependencies),
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
].map((name) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/.*)?$`));

/**
 * Ships sql.js's wasm beside the browser bundle and keeps the literal
 * `new URL('./sql-wasm.wasm', import.meta.url)` that library mode rewrites to
 * `"" + import.meta.url`: bundlers recognise only the literal form as an asset to copy into the
 * user's app, and with it the browser entry needs no wasm option at all.
 */
function wasmBesideBrowserBundle(): Plugin {
  const rewritten = 'new URL("./sql-wasm.wasm", "" + import.meta.url)';
  return {
    name: 'workflow-cache:wasm-beside-browser-bundle',
    apply: 'build',
    generateBundle(_options, bundle) {
      const browser = bundle['browser.js'];
      if (!browser || browser.type !== 'chunk' || !browser.code.includes(rewritten)) {
        this.error(`${rewritten} not found in browser.js: the wasm would not be found in browser builds`);
      }
      browser.code = browser.code.replace(rewritten, 'new URL("./sql-wasm.wasm", import.meta.url)');
      // The same for the query worker, in the chunk browser.js loads on the first queryIsolated():
      // vite bundles the worker into assets/ under a URL the user's bundler does not follow; the
      // literal makes that bundler build dist/query-worker.browser.js.
      const worker = /new URL\(\s*(?:\/\* @vite-ignore \*\/\s*)?"[^"]*\/(assets\/query-worker\.browser-[\w-]+\.js)",\s*"" \+ import\.meta\.url\s*\)/;
      const starter = Object.values(bundle).find((c) => c.type === 'chunk' && worker.test(c.code));
      if (starter?.type !== 'chunk') this.error('the query worker URL was not found in any chunk: browsers could not start queryIsolated()');
      const found = worker.exec(starter.code)!;
      starter.code = starter.code.replace(worker, 'new URL("./query-worker.browser.js", import.meta.url)');
      delete bundle[found[1]];
      delete bundle[`${found[1]}.map`];
      const wasm = createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm');
      this.emitFile({ type: 'asset', fileName: 'sql-wasm.wasm', source: readFileSync(wasm) });
    },
  };
}

// The library build: one bundle per runtime, dependencies left for the user's install.
export default defineConfig({
  plugins: [wasmBesideBrowserBundle()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    sourcemap: true,
    lib: {
      entry: {
        node: 'src/index.node.ts',
        browser: 'src/index.browser.ts',
        tools: 'src/index.tools.ts',
        s3: 'src/index.s3.ts',
        http: 'src/index.http.ts',
        cli: 'src/cli.ts',
        // The query workers start from files of their own, beside the bundles that start them.
        'query-worker.node': 'src/db/query-worker.node.js',
        'query-worker.browser': 'src/db/query-worker.browser.js',
        'parse-worker.node': 'src/parse-worker.node.ts',
      },
      formats: ['es'],
    },
    rolldownOptions: { external, output: { chunkFileNames: 'shared-[hash].js' } },
  },
  test: {
    // A file per core: vitest's default (cores - 1) runs one file at a time on a 2-core CI
    // machine, where a file alone keeps less than one core busy (it waits on Chromium, child
    // processes and servers).
    maxWorkers: availableParallelism(),
    // Files share the cores now, so a test may take twice its time alone: these catch hangs,
    // they check no speed (the benchmarks do).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.browser.test.ts', 'test/package/**', 'test/faults/**', 'test/e2e/**', 'test/cli/**', 'test/s3/replicas.test.ts'],
        },
      },
      {
        // Breaking things on purpose: killed saves, corrupt images, fuzzed files, leaks.
        extends: true,
        test: {
          name: 'faults',
          environment: 'node',
          include: ['test/faults/**/*.test.ts'],
          globalSetup: ['test/faults/setup/build-saver.ts'],
          execArgv: ['--expose-gc'],
          // A hang detector: the 50 killed saves take minutes when files share a loaded machine.
          testTimeout: 300_000,
        },
      },
      {
        // The built package as users get it: imported by a plain Node script, bundled by vite.
        extends: true,
        test: {
          name: 'package',
          environment: 'node',
          // test/cli runs the built `workflow-cache` bin as a child process; the replicas are processes too.
          include: ['test/package/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/s3/replicas.test.ts'],
          globalSetup: ['test/setup/build-library.ts', 'test/package/pack-once.ts'],
          testTimeout: 60_000,
        },
      },
      {
        // IndexedDBStorage against real IndexedDB, in Debian's Chromium.
        test: {
          name: 'browser',
          include: ['test/browser/**/*.browser.test.ts'],
          globalSetup: ['test/s3/browser-setup.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: chromiumLaunchOptions }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        // The built playground (dist-demo/, rebuilt first) driven in headless Chromium.
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          // served-cache.test.ts runs the built `workflow-cache serve`.
          globalSetup: ['test/setup/build-library.ts', 'test/e2e/build-demo.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
