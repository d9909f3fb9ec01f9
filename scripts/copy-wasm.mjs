// Ships sql.js's wasm beside the browser bundle, so bundlers find it next to the code that asks.
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), new URL('../dist/sql-wasm.wasm', import.meta.url));
