import { describeFailure } from '../../src/index.browser.js';
import { phaseLines } from '../../src/phase-lines.js';
import { h, setChildren } from './dom.js';
import { readOnlyReason, type Browsed } from './browsed.js';
import { TomlEditor, type Problem } from './editor.js';
import type { IndexedPhase } from './phase-index.js';
import type { Workspace } from './workspace.js';
import { messageOf } from '../../src/message-of.js';

/** What `+ New` starts from: a workflow that checks clean, to edit from. */
export const newFileTemplate = `# One [[phase]] per task; dependsOn: what it runs after.
[[phase]]
task = "extract"
rule = "cron=0 2 * * *"
template = "s3://bucket/raw/{yyyy}/{mm}/{dd}/"

[[phase]]
task = "load"
dependsOn = "extract"
retry = 2
template = "?table=events&day={yyyy}-{mm}-{dd}"
`;

/**
 * The file list (select, add, rename, delete) and the editor of the selected file with its
 * problems, of what `shown()` gives: the workspace, edited here, or a served cache, read-only.
 */
export function filesView(workspace: Workspace, shown: () => Browsed, notify: (message: string, kind?: 'info' | 'error') => void, onTyping: () => void): { files: HTMLElement; editor: HTMLElement; render: () => void } {
  const list = h('ul', { class: 'file-list', 'data-testid': 'file-list', 'aria-label': 'Workflow files' });
  const rename = h('input', { 'data-testid': 'file-rename-input', 'aria-label': 'File name', spellcheck: 'false',
    onkeydown: (event: Event) => { if ((event as KeyboardEvent).key === 'Enter') applyRename(); },
  });
  const editor = new TomlEditor((text) => {
    if (workspace.selected === '' || shown().server !== undefined) return;
    workspace.edit(workspace.selected, text);
    onTyping();
  });
  const error = h('div', { class: 'load-errors', 'data-testid': 'error', role: 'alert' });
  const problemList = h('ul', { class: 'problem-list', 'data-testid': 'problems', 'aria-label': 'Problems in this file' });
  const problemCount = h('span', { class: 'summary', 'data-testid': 'problem-count' });
  const note = h('p', { class: 'text-note', 'data-testid': 'text-note', role: 'status' });
  const add = h('button', { type: 'button', class: 'small', 'data-testid': 'file-add', onclick: () => workspace.put(workspace.freeName(), newFileTemplate) }, '+ New');
  const renameButton = h('button', { type: 'button', class: 'small', 'data-testid': 'file-rename', onclick: applyRename }, 'Rename');
  const deleteButton = h('button', { type: 'button', class: 'small danger', 'data-testid': 'file-delete', onclick: () => { const key = workspace.selected; workspace.remove(key); notify(`Deleted ${key}.`); } }, 'Delete');
  const dropHint = h('p', { class: 'hint drop-hint' });
  /** Which text the editor shows: where from, which file, and whether it may be edited. */
  let shownFile: string | undefined;

  function applyRename(): void {
    try {
      workspace.rename(workspace.selected, rename.value);
    } catch (e) {
      notify(messageOf(e), 'error');
      rename.value = workspace.selected;
    }
  }

  const files = h('section', { class: 'files', 'aria-labelledby': 'files-heading' },
    h('div', { class: 'section-head' }, h('h2', { id: 'files-heading' }, 'Workflow files'),
      add,
    ),
    list,
    dropHint,
  );
  const pane = h('section', { class: 'editor-pane', 'aria-label': 'Editor' },
    h('div', { class: 'section-head' },
      rename,
      renameButton,
      deleteButton,
    ),
    note,
    h('div', { class: 'code' }, editor.view.dom),
    error,
    h('div', { class: 'problems-box' }, h('div', { class: 'section-head' }, h('h3', {}, 'Problems'), problemCount), problemList),
  );

  function render(): void {
    const b = shown();
    const local = b.server === undefined;
    const failures = b.failures();
    const failed = new Set(failures.map((f) => f.file));
    const keys = b.keys();
    setChildren(list, ...keys.map((key) => {
      const flagged = b.phases.problemsIn(key);
      return h('li', {},
        h('button', { type: 'button', class: key === b.selected ? 'file selected' : 'file', 'data-testid': 'file-item', 'data-file': key, 'aria-current': key === b.selected ? 'true' : undefined, onclick: () => shown().select(key) },
          h('span', { class: 'name' }, key),
          failed.has(key) ? h('span', { class: 'tag problem', title: 'does not load' }, 'error') : null,
          flagged > 0 ? h('span', { class: 'tag warning', title: 'phases with problems' }, flagged) : null,
        ),
      );
    }));
    if (keys.length === 0) list.append(h('li', { class: 'empty' }, local ? 'No files. Add one or drop .toml files here.' : 'The server has no workflow files.'));
    const shownText = b.text(b.selected);
    const current = 'text' in shownText ? shownText.text : undefined;
    const editable = local && current !== undefined;
    const which = `${b.server ?? ''}\n${b.selected}\n${editable}`;
    // Replacing the text moves the caret: only when another file is shown or the text changed elsewhere (an import, another tab, the server).
    if (shownFile !== which || (current !== undefined && current !== editor.text)) {
      editor.show(current ?? '', editable);
      rename.value = b.selected;
      shownFile = which;
    }
    note.textContent = 'note' in shownText && b.selected !== '' ? shownText.note : '';
    rename.disabled = !editable;
    for (const button of [add, renameButton, deleteButton]) {
      button.disabled = !local;
      button.title = local ? '' : readOnlyReason;
    }
    dropHint.textContent = local ? 'Drop .toml files anywhere on the page to add them.' : `Read-only: the files of ${b.server}.`;
    setChildren(error, ...failures.map((f) =>
      h('div', { class: 'load-error' },
        h('span', { class: 'reason' }, describeFailure(f)),
        h('span', { class: 'kept' }, 'last good phases kept'),
        f.line !== undefined ? h('button', { type: 'button', class: 'small', onclick: () => { shown().select(f.file); editor.goTo(f.line!, f.column); } }, 'Show') : null,
      ),
    ));
    const mine = failures.find((f) => f.file === b.selected);
    const problems: Problem[] = mine
      ? [{ line: mine.line ?? 1, column: mine.column, severity: 'error', message: `${describeFailure(mine)} (the last good phases are kept)` }]
      // The phases' lines come from the text: only meaningful when that text is what loaded.
      : phaseProblems(editor.text, b.phases.file(b.selected));
    editor.problems(problems);
    problemCount.textContent = problems.length === 0 ? 'none' : `${problems.length}`;
    setChildren(problemList, ...problems.map((p) =>
      h('li', { class: p.severity },
        h('button', { type: 'button', class: 'problem-link', 'data-testid': 'problem-item', 'data-line': p.line, onclick: () => editor.goTo(p.line, p.column) },
          h('span', { class: 'where' }, `line ${p.line}${p.column === undefined ? '' : `:${p.column}`}`),
          h('span', { class: 'what' }, p.message),
        ),
      ),
    ));
    if (problems.length === 0) problemList.append(h('li', { class: 'empty' }, b.selected === '' ? 'No file selected.' : 'No problems in this file.'));
  }

  return { files, editor: pane, render };
}

/**
 * Each phase's problems on that phase's lines. Phases are matched to their `[[phase]]` tables by
 * task, so a table the loader dropped (a second phase with the same task) does not move a
 * problem to another phase.
 */
function phaseProblems(text: string, records: readonly IndexedPhase[]): Problem[] {
  const ranges = phaseLines(text);
  const lines = text.split(/\r?\n/);
  const taskOf = ranges.map((r) => {
    for (let i = r.start; i < r.end; i++) {
      const found = /^\s*task\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')/i.exec(lines[i] ?? '');
      if (found) return found[2] ?? unescape(found[1]);
    }
    return undefined;
  });
  const used = new Set<number>();
  const problems: Problem[] = [];
  for (const [i, record] of records.entries()) {
    let index = taskOf.findIndex((task, at) => task === record.task && !used.has(at));
    if (index === -1 && !used.has(i)) index = i;
    if (index === -1) continue;
    used.add(index);
    const range = ranges[index];
    if (!range) continue;
    for (const problem of record.problems ?? []) {
      problems.push({ line: range.start, endLine: range.end, severity: problem.severity, message: `${record.task}: ${problem.message}` });
    }
  }
  return problems.sort((a, b) => a.line - b.line);
}

/** A basic string's text, its escapes read as JSON reads them (a TOML-only escape is left as written). */
function unescape(body: string): string {
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return body;
  }
}
