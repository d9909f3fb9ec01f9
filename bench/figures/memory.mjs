// Memory held after loading the workload, against the size of the database image.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { figureOf } from '../harness.mjs';

const MB = 1024 * 1024;

/** @param {string} library path of the built dist/node.js @param {string} folder the workload */
export function memoryFigures(library, folder) {
  const child = fileURLToPath(new URL('../memory-child.mjs', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', child, library, folder], { encoding: 'utf8' });
  const m = JSON.parse(out.trim().split('\n').pop());
  return [
    figureOf({ figure: 'memory (RSS) after loading', baselineName: `image size, ${(m.imageBytes / MB).toFixed(1)} MB`, base: m.imageBytes / MB, ours: m.rss / MB, unit: 'MB', target: 3 }),
    figureOf({ figure: 'peak RSS while loading (for information)', baselineName: 'image size', base: m.imageBytes / MB, ours: m.peakRss / MB, unit: 'MB', target: Infinity }),
  ];
}
