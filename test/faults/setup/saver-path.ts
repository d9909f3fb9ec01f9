import { fileURLToPath } from 'node:url';

/** Where setup/build-saver.ts puts the bundled children: inside the repo, so it finds node_modules. */
export const saverFolder = fileURLToPath(new URL('../../../node_modules/.cache/workflow-cache-faults', import.meta.url));
export const saverPath = `${saverFolder}/saver.mjs`;
export const openPlantedPath = `${saverFolder}/open-planted.mjs`;
export const openCachePath = `${saverFolder}/open-cache.mjs`;
export const memoLookupsPath = `${saverFolder}/memo-lookups.mjs`;
/** The `workflow-cache` command, bundled from the source. */
export const cliPath = `${saverFolder}/cli.mjs`;
