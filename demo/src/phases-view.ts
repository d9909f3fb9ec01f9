import type { PhaseRecord } from '../../src/index.browser.js';
import { h, setChildren } from './dom.js';
import { problemsOf, severity } from './problems.js';
import type { Workspace } from './workspace.js';

type Column = { key: keyof PhaseRecord; label: string };

const columns: Column[] = [
  { key: 'filePath', label: 'File' },
  { key: 'task', label: 'Task' },
  { key: 'dependsOn', label: 'Depends on' },
  { key: 'rule', label: 'Rule' },
  { key: 'retry', label: 'Retry' },
  { key: 'template', label: 'Template' },
  { key: 'status', label: 'Status' },
];

/** The phases of the selected file or of all files: sortable, filterable, problems highlighted. */
export function phasesView(workspace: Workspace): { element: HTMLElement; render: () => void } {
  let sortKey: keyof PhaseRecord | undefined;
  let ascending = true;
  const scope = h('select', { 'data-testid': 'phases-scope', 'aria-label': 'Which phases', onchange: () => render() },
    h('option', { value: 'file' }, 'Selected file'),
    h('option', { value: 'all' }, 'All files'),
  );
  const filter = h('input', { type: 'search', placeholder: 'Filter by any text…', 'data-testid': 'phases-filter', 'aria-label': 'Filter phases', oninput: () => render() });
  const onlyProblems = h('input', { type: 'checkbox', 'data-testid': 'phases-problems', onchange: () => render() });
  const summary = h('span', { class: 'summary', 'data-testid': 'phases-summary' });
  const head = h('tr');
  const body = h('tbody');
  const table = h('table', { class: 'grid phases', 'data-testid': 'phases-table' }, h('thead', {}, head), body);
  const empty = h('p', { class: 'empty' });
  const element = h('div', { class: 'panel-body' },
    h('div', { class: 'toolbar' }, scope, filter, h('label', { class: 'check' }, onlyProblems, 'Has problems'), summary),
    h('div', { class: 'table-wrap' }, table, empty),
  );

  function render(): void {
    const all = scope.value === 'all';
    const records = workspace.selected === '' && !all ? [] : workspace.cache.phases(all ? undefined : workspace.selected);
    const needle = filter.value.trim().toLowerCase();
    let shown = records.filter((r) => (!onlyProblems.checked || r.status !== '') && (needle === '' || columns.some((c) => String(r[c.key]).toLowerCase().includes(needle))));
    if (sortKey) {
      const key = sortKey;
      shown = [...shown].sort((a, b) => compare(a[key], b[key]) * (ascending ? 1 : -1));
    }
    const visible = columns.filter((c) => all || c.key !== 'filePath');
    setChildren(head, ...visible.map((c) => h('th', { scope: 'col', 'aria-sort': sortKey === c.key ? (ascending ? 'ascending' : 'descending') : undefined },
      h('button', { type: 'button', class: 'sort', 'data-testid': `sort-${c.key}`, onclick: () => sortBy(c.key) }, c.label, h('span', { class: 'arrow' }, sortKey === c.key ? (ascending ? '▲' : '▼') : '')),
    )));
    setChildren(body, ...shown.map((r) => row(r, visible)));
    const flagged = records.filter((r) => r.status !== '').length;
    summary.textContent = `${shown.length} of ${records.length} phases · ${flagged} with problems`;
    empty.textContent = shown.length > 0 ? '' : records.length === 0 ? 'No phases yet: add [[phase]] tables to the file.' : 'No phase matches the filter.';
  }

  function sortBy(key: keyof PhaseRecord): void {
    ascending = sortKey === key ? !ascending : true;
    sortKey = key;
    render();
  }

  return { element, render };
}

function row(r: PhaseRecord, visible: Column[]): HTMLTableRowElement {
  return h('tr', { class: severity(r) },
    ...visible.map((c) => {
      if (c.key === 'status') {
        const problems = problemsOf(r.status);
        return h('td', { class: 'status' }, problems.length === 0 ? h('span', { class: 'ok-mark' }, 'ok') : h('ul', {}, ...problems.map((p) => h('li', {}, p))));
      }
      return h('td', { class: cellClass[c.key] }, String(r[c.key]));
    }),
  );
}

const cellClass: Partial<Record<keyof PhaseRecord, string>> = { filePath: 'name', task: 'name', dependsOn: 'name', retry: 'num', rule: 'mono', template: 'mono' };

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}
