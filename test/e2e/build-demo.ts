import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** Builds the playground into dist-demo/ before the end-to-end tests, so they never see a stale page. */
export default async function buildDemo(): Promise<void> {
  await build({ configFile: fileURLToPath(new URL('../../demo/vite.config.ts', import.meta.url)), logLevel: 'warn' });
}
