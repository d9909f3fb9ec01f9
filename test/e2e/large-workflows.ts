// A database at the size users have: 2,000 files of 50 phases, 100,000 in all, some flagged.
// Built in the test from generated text, never committed.
import { MemorySource, WorkflowCache } from '../../src/index.node.js';

export const largeFiles = 2000;
export const phasesPerFile = 50;

/** The generated workflow texts: in each file a chain of phases, every tenth file with two problems. */
export function largeWorkflows(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let f = 0; f < largeFiles; f++) {
    let text = '';
    for (let p = 0; p < phasesPerFile; p++) {
      const flagged = f % 10 === 0;
      const parent = p === 0 ? '' : flagged && p === 13 ? 'ghost' : `step${p - 1}:job${f}`;
      text += `[[phase]]\ntask = "step${p}:job${f}"\n${parent === '' ? 'rule = "cron=0 2 * * *"' : `dependsOn = "${parent}"`}\nretry = ${flagged && p === 7 ? 12 : p % 4}\ntemplate = "s3://bucket/${f}/${p}/{yyyy}-{mm}-{dd}"\n\n`;
    }
    files[`group${String(f % 20).padStart(2, '0')}/file${String(f).padStart(4, '0')}.toml`] = text;
  }
  return files;
}

/** The database of {@link largeWorkflows}, as a `.sqlite` image the playground imports. */
export async function largeDatabase(): Promise<Buffer> {
  const cache = await WorkflowCache.open({ workflows: new MemorySource(largeWorkflows()) });
  try {
    return Buffer.from(cache.export());
  } finally {
    await cache.close();
  }
}
