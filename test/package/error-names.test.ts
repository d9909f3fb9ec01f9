// Error names survive a minifying bundler: a user's production build renames classes, and the
// `name` of each error the package exports must still be its class name.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeConsumer, packAndInstall, type Consumer, type Packed } from './consumer.js';
import { errorNames } from '../error-examples.js';

let packed: Packed;
let consumer: Consumer;
beforeAll(() => {
  packed = packAndInstall();
  consumer = makeConsumer(packed);
});
afterAll(() => {
  consumer.remove();
  packed.remove();
});

test("every exported error class's name is its class name in a minified bundle", async () => {
  consumer.write('entry.js', "export * from 'workflow-cache';\nexport * from 'workflow-cache/s3';\n");
  const outDir = join(consumer.dir, 'dist');
  await build({
    root: consumer.dir,
    configFile: false,
    logLevel: 'silent',
    ssr: { noExternal: true },
    build: { ssr: 'entry.js', outDir, minify: true, target: 'es2022', rollupOptions: { output: { entryFileNames: 'entry.mjs' } } },
  });
  const bundle = (await import(pathToFileURL(join(outDir, 'entry.mjs')).href)) as Record<string, unknown>;
  const names = errorNames(bundle);
  expect(names.length).toBeGreaterThan(0);
  for (const [exported, name] of names) expect(name, exported).toBe(exported);
});
