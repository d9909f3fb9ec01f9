import type { LoadFailure, Task } from '../../src/index.browser.js';
import { workflowGraph, type WorkflowGraph } from '../../src/index.tools.js';
import type { PhaseIndex } from './phase-index.js';
import type { Workspace } from './workspace.js';

/** Why nothing can be changed while a served cache is shown. */
export const readOnlyReason = 'Read-only: the page shows a served cache, read over its HTTP API, which changes nothing. Disconnect to work on the files of this browser.';

/** A file's text to show, or why there is none. */
export type FileText = { text: string } | { note: string };

export type LookupMethod = 'get' | 'children' | 'search';

/**
 * What the views show: the files edited in this browser, or a served cache read over HTTP.
 * Editing goes to the {@link Workspace} itself and only while it is what is shown.
 */
export interface Browsed {
  /** The served cache's address; absent for the files of this browser. */
  readonly server?: string;
  readonly selected: string;
  readonly phases: PhaseIndex;
  /** Every file key, loaded or failing, sorted. */
  keys(): string[];
  text(key: string): FileText;
  failures(): readonly LoadFailure[];
  /** The file's dependency graph; `undefined` while it is being read. */
  graph(key: string): WorkflowGraph | undefined;
  select(key: string): void;
  /** How the lookup is asked, as the user would write it. */
  describe(method: LookupMethod, task: Task): string;
  lookup(method: LookupMethod, task: Task): Promise<unknown>;
}

/** The workspace as the views read it: its cache answers at once. */
export function localBrowsed(workspace: Workspace): Browsed {
  return {
    get selected() {
      return workspace.selected;
    },
    phases: workspace.phases,
    keys: () => [...workspace.files.keys()].sort(),
    text: (key) => {
      const text = workspace.files.get(key);
      return text === undefined ? { note: 'No file selected.' } : { text };
    },
    failures: () => workspace.cache.failures(),
    graph: (key) => workflowGraph(workspace.phases.file(key)),
    select: (key) => workspace.select(key),
    describe: (method, task) =>
      method === 'search' ? `cache.search(${JSON.stringify(task.type)}${task.job ? `, ${JSON.stringify(task.job)}` : ''})` : `cache.${method}(${JSON.stringify(task)})`,
    lookup: async (method, task) => (method === 'search' ? workspace.cache.search(task.type, task.job) : workspace.cache[method](task)),
  };
}
