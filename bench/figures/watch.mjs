// The event loop under a storm of file events: a bulk rewrite of every file of a watched folder.
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workflowFiles } from '../generate.mjs';
import { figureOf } from '../harness.mjs';

/**
 * @param {string} library path of the built dist/node.js
 * @param {object} options
 * @param {string} options.scratch a folder for the watched files and the database
 * @param {number} options.files how many files are rewritten
 */
export async function watchFigures(library, { scratch, files }) {
  const rows = [];
  const workload = workflowFiles({ files, phasesPerFile: 10, seed: 7 });
  // One folder is Node's worst case (it re-reads the folder at each event); the bench's nested
  // layout (40 folders, 280 below them) is the common one.
  for (const layout of ['one folder', 'nested folders']) {
    const folder = join(scratch, 'storm');
    await rm(folder, { recursive: true, force: true });
    for (const [i, f] of workload.entries()) {
      const key = layout === 'one folder' ? `wf-${i}.toml` : f.key;
      await mkdir(join(folder, key, '..'), { recursive: true });
      await writeFile(join(folder, key), f.text);
    }
    const recursive = side(library, folder, 'recursive', scratch);
    const ours = side(library, folder, 'ours', scratch);
    rows.push(
      figureOf({
        figure:
          `longest event-loop stall, watch() during a rewrite of ${files.toLocaleString('en')} files in ${layout} ` +
          `(${ours.stallCpuMs.toFixed(0)} ms of it on the CPU; the most CPU in any one gap ${ours.maxGapCpuMs.toFixed(0)} ms; ` +
          `${ours.refreshes} refreshes, all reloaded in ${ours.ms.toFixed(0)} ms)`,
        baselineName: `Node's recursive fs.watch alone: ${recursive.stallMs.toFixed(0)} ms (${recursive.stallCpuMs.toFixed(0)} on the CPU)`,
        base: undefined,
        ours: ours.stallMs,
        unit: 'ms',
        target: 100,
      }),
    );
  }
  await rm(join(scratch, 'storm'), { recursive: true, force: true });
  return rows;
}

function side(library, folder, which, scratch) {
  const child = fileURLToPath(new URL('../watch-child.mjs', import.meta.url));
  const database = join(scratch, `storm-${which}.sqlite`);
  const out = execFileSync(process.execPath, [child, library, folder, which, database], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}
