import { describeFailure } from '../../src/index.browser.js';
import { h, setChildren } from './dom.js';
import type { Workspace } from './workspace.js';

/** The file list (select, add, rename, delete) and the editor of the selected file. */
export function filesView(workspace: Workspace, notify: (message: string, kind?: 'info' | 'error') => void): { files: HTMLElement; editor: HTMLElement; render: () => void } {
  const list = h('ul', { class: 'file-list', 'data-testid': 'file-list' });
  const rename = h('input', { 'data-testid': 'file-rename-input', 'aria-label': 'File name', spellcheck: 'false',
    onkeydown: (event: Event) => { if ((event as KeyboardEvent).key === 'Enter') applyRename(); },
  });
  const text = h('textarea', { class: 'editor', 'data-testid': 'editor', spellcheck: 'false', wrap: 'off', 'aria-label': 'Workflow TOML',
    oninput: () => { if (workspace.selected !== '') workspace.edit(workspace.selected, text.value); gutterFor(text.value); },
    onscroll: () => { gutter.scrollTop = text.scrollTop; },
  });
  const gutter = h('div', { class: 'gutter', 'aria-hidden': 'true' });
  const error = h('div', { class: 'load-errors', 'data-testid': 'error', role: 'alert' });
  let shownFile: string | undefined;

  function applyRename(): void {
    try {
      workspace.rename(workspace.selected, rename.value);
    } catch (e) {
      notify((e as Error).message, 'error');
      rename.value = workspace.selected;
    }
  }

  function gutterFor(value: string): void {
    const lines = value.split('\n').length;
    if (gutter.childElementCount !== lines) setChildren(gutter, ...Array.from({ length: lines }, (_, i) => h('div', {}, i + 1)));
  }

  /** Puts the caret at a line and column of the editor, as a compiler error link would. */
  function goTo(line: number, column = 1): void {
    const lines = text.value.split('\n');
    const offset = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0) + Math.max(0, column - 1);
    text.focus();
    text.setSelectionRange(offset, offset);
    text.scrollTop = Math.max(0, (line - 4) * 19);
  }

  const files = h('section', { class: 'files' },
    h('div', { class: 'section-head' }, h('h2', {}, 'Workflow files'),
      h('button', { type: 'button', class: 'small', 'data-testid': 'file-add', onclick: () => workspace.put(workspace.freeName(), '[[phase]]\ntask = ""\nrule = ""\n') }, '+ New'),
    ),
    list,
    h('p', { class: 'hint drop-hint' }, 'Drop .toml files anywhere on the page to add them.'),
  );
  const editor = h('section', { class: 'editor-pane' },
    h('div', { class: 'section-head' },
      rename,
      h('button', { type: 'button', class: 'small', 'data-testid': 'file-rename', onclick: applyRename }, 'Rename'),
      h('button', { type: 'button', class: 'small danger', 'data-testid': 'file-delete', onclick: () => { const key = workspace.selected; workspace.remove(key); notify(`Deleted ${key}.`); } }, 'Delete'),
    ),
    h('div', { class: 'code' }, gutter, text),
    error,
  );

  function render(): void {
    const failures = workspace.cache.failures();
    const failed = new Set(failures.map((f) => f.file));
    const flagged = new Map<string, number>();
    for (const r of workspace.cache.phases()) if (r.status !== '') flagged.set(r.filePath, (flagged.get(r.filePath) ?? 0) + 1);
    setChildren(list, ...[...workspace.files.keys()].sort().map((key) =>
      h('li', {},
        h('button', { type: 'button', class: key === workspace.selected ? 'file selected' : 'file', 'data-testid': 'file-item', 'data-file': key, 'aria-current': key === workspace.selected ? 'true' : undefined, onclick: () => workspace.select(key) },
          h('span', { class: 'name' }, key),
          failed.has(key) ? h('span', { class: 'tag problem', title: 'does not load' }, 'error') : null,
          flagged.has(key) ? h('span', { class: 'tag warning', title: 'phases with problems' }, flagged.get(key)!) : null,
        ),
      ),
    ));
    if (workspace.files.size === 0) list.append(h('li', { class: 'empty' }, 'No files. Add one or drop .toml files here.'));
    const current = workspace.files.get(workspace.selected);
    // Rewriting the text moves the caret: only when another file is shown or the text changed elsewhere (an import).
    if (shownFile !== workspace.selected || (current !== undefined && current !== text.value)) {
      text.value = current ?? '';
      rename.value = workspace.selected;
      shownFile = workspace.selected;
      gutterFor(text.value);
    }
    text.disabled = rename.disabled = current === undefined;
    setChildren(error, ...failures.map((f) =>
      h('div', { class: 'load-error' },
        h('span', { class: 'reason' }, describeFailure(f)),
        h('span', { class: 'kept' }, 'last good phases kept'),
        f.line !== undefined ? h('button', { type: 'button', class: 'small', onclick: () => { workspace.select(f.file); goTo(f.line!, f.column); } }, 'Show') : null,
      ),
    ));
  }

  return { files, editor, render };
}
