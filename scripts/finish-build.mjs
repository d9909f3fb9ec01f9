// After `vite build`: ships sql.js's wasm beside the browser bundle, and restores the literal
// `new URL('./sql-wasm.wasm', import.meta.url)` that vite's library mode rewrites to
// `"" + import.meta.url`. Bundlers only recognise the literal form as an asset to copy into the
// user's app; with it, `import { WorkflowCache } from 'workflow-cache'` works in a browser build
// with no wasm option at all.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const dist = new URL('../dist/', import.meta.url);
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), new URL('sql-wasm.wasm', dist));

const browser = new URL('browser.js', dist);
const rewritten = 'new URL("./sql-wasm.wasm", "" + import.meta.url)';
const code = readFileSync(browser, 'utf8');
if (!code.includes(rewritten)) throw new Error(`finish-build: ${rewritten} not found in dist/browser.js`);
writeFileSync(browser, code.replace(rewritten, 'new URL("./sql-wasm.wasm", import.meta.url)'));
