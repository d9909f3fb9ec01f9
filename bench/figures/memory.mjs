// Memory held after loading the workload, and after a lookup in every file (every file's phases
// then held for lookups), against the size of the database image.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { figureOf } from '../harness.mjs';

const MB = 1024 * 1024;

/** @param {string} library path of the built dist/node.js @param {string} folder the workload */
export function memoryFigures(library, folder) {
  const child = fileURLToPath(new URL('../memory-child.mjs', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', child, library, folder], { encoding: 'utf8' });
  const m = JSON.parse(out.trim().split('\n').pop());
  const image = m.imageBytes / MB;
  const baselineName = `image size, ${image.toFixed(1)} MB`;
  return [
    figureOf({ figure: 'memory after loading (RSS added to a process with an empty cache open)', baselineName, base: image, ours: (m.rss - m.runtimeRss) / MB, unit: 'MB', target: 3 }),
    figureOf({
      figure: `memory after loading and a lookup in every file (RSS added; the JS heap grew by ${((m.walkedHeap - m.heap) / MB).toFixed(0)} MB)`,
      baselineName,
      base: image,
      ours: (m.walkedRss - m.runtimeRss) / MB,
      unit: 'MB',
      target: 3,
    }),
    figureOf({ figure: `memory after loading, whole process (RSS; the runtime alone: ${(m.runtimeRss / MB).toFixed(0)} MB)`, baselineName, base: image, ours: m.rss / MB, unit: 'MB' }),
    figureOf({ figure: 'peak RSS while loading, whole process', baselineName, base: image, ours: m.peakRss / MB, unit: 'MB' }),
  ];
}
