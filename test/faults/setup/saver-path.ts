import { fileURLToPath } from 'node:url';

/** Where setup/build-saver.ts puts the bundled saver: inside the repo, so it finds node_modules. */
export const saverFolder = fileURLToPath(new URL('../../../node_modules/.cache/workflow-cache-faults', import.meta.url));
export const saverPath = `${saverFolder}/saver.mjs`;
export const cliPath = `${saverFolder}/cli.mjs`;
