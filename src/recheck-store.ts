import { checkKept, CHECKS_VERSION, duplicateTask, type KeptPhase } from './check-phases.js';
import type { StoredPhase } from './db/workflow-tables.js';
import type { Problem } from './problem.js';
import type { WorkflowStore } from './store.js';

/**
 * Brings the stored verdicts up to the current checks: when the database was checked by another
 * {@link CHECKS_VERSION} (or before versions were kept), every file's phases are checked again
 * from their rows (the files are not read; lines stay as stored) and their status and problems
 * rewritten, in one transaction and without history: the files did not change. Reports whether
 * the database changed, so that it is worth saving.
 */
export function recheckStore(store: WorkflowStore): boolean {
  if (store.checksVersion() === CHECKS_VERSION) return false;
  return store.transaction(() => {
    const stored = store.storedPhases();
    for (const file of byFile(stored)) {
      const rechecked = checkKept(file.map(kept));
      rechecked.forEach((c, i) => {
        const before = file[i];
        if (before.status !== c.status || JSON.stringify(before.problems ?? []) !== JSON.stringify(c.problems)) {
          store.setProblems(before.file, c.key, c.status, c.problems);
        }
      });
    }
    store.setChecksVersion(CHECKS_VERSION);
    // A database with nothing stored gains only the version: no reason to save it for that.
    return stored.length > 0;
  });
}

/** Consecutive runs of one file's phases. */
function byFile(phases: readonly StoredPhase[]): StoredPhase[][] {
  const files: StoredPhase[][] = [];
  for (const p of phases) {
    const last = files.at(-1);
    if (last && last[0].file === p.file) last.push(p);
    else files.push([p]);
  }
  return files;
}

/** A stored phase as a check starts it: with the duplicates dropped after it, which only its stored verdict remembers. */
function kept(p: StoredPhase): KeptPhase {
  return { phase: p.phase, key: p.key, topic: p.topic, job: p.job, position: p.position, line: p.line, problems: duplicatesOf(p) };
}

function duplicatesOf(p: StoredPhase): Problem[] {
  if (p.problems) return p.problems.filter((problem) => problem.code === 'duplicate-task');
  // Stored before problems were kept: the status text is all there is, read for this key's
  // duplicates alone (a rule's own text may hold `; ` or anything else).
  const found = new RegExp(`duplicate task: ${escape(p.key)} again at phase (\\d+), which is ignored`, 'g');
  return [...p.status.matchAll(found)].map((m) => duplicateTask(p.key, Number(m[1]) - 1));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
