import { h } from './dom.js';
import type { IndexedPhase, SortColumn } from './phase-index.js';
import { problemsOf, severity } from './problems.js';
import { VirtualTable, type Column } from './virtual-table.js';
import type { Browsed } from './browsed.js';

interface Field {
  key: SortColumn;
  label: string;
  width: string;
  className?: string;
}

// Task first and kept in view, status beside it: the two a reader needs when the table scrolls sideways.
const fields: Field[] = [
  { key: 'task', label: 'Task', width: 'minmax(6.5rem, 1.2fr)', className: 'name' },
  { key: 'status', label: 'Status', width: 'minmax(10rem, 2fr)', className: 'status' },
  { key: 'filePath', label: 'File', width: 'minmax(6.5rem, 1fr)', className: 'name' },
  { key: 'dependsOn', label: 'Depends on', width: 'minmax(6rem, 1fr)', className: 'name' },
  { key: 'rule', label: 'Rule', width: 'minmax(6.5rem, 1fr)', className: 'mono' },
  { key: 'retry', label: 'Retry', width: '4.2rem', className: 'num' },
  { key: 'template', label: 'Template', width: 'minmax(7rem, 1.5fr)', className: 'mono' },
];

/** Where the scope ("Selected file" or "All files") is kept across reloads. */
const scopeKey = 'playground-phases-scope';

/** The phases of the selected file or of all files: sortable, filterable, problems highlighted, any number of them. */
export function phasesView(browsed: () => Browsed): { element: HTMLElement; render: () => void } {
  let sortKey: SortColumn | undefined;
  let ascending = true;
  const scope = h('select', { 'data-testid': 'phases-scope', 'aria-label': 'Which phases', onchange: () => { localStorage.setItem(scopeKey, scope.value); fresh(); } },
    h('option', { value: 'file' }, 'Selected file'),
    h('option', { value: 'all' }, 'All files'),
  );
  scope.value = localStorage.getItem(scopeKey) === 'all' ? 'all' : 'file';
  const filter = h('input', { type: 'search', placeholder: 'Filter by any text…', 'data-testid': 'phases-filter', 'aria-label': 'Filter phases', oninput: () => fresh() });
  const onlyProblems = h('input', { type: 'checkbox', 'data-testid': 'phases-problems', onchange: () => fresh() });
  const summary = h('span', { class: 'summary', 'data-testid': 'phases-summary', 'aria-live': 'polite' });
  const table = new VirtualTable<IndexedPhase>({
    label: 'Phases',
    testId: 'phases-table',
    key: (r) => r.key,
    rowClass: (r) => severity(r),
  });
  const empty = h('p', { class: 'empty', 'data-testid': 'phases-empty' });
  const element = h('div', { class: 'panel-body phases-panel' },
    h('div', { class: 'toolbar' }, scope, filter, h('label', { class: 'check' }, onlyProblems, 'Has problems'), summary),
    table.element,
    empty,
  );

  /** A new sort or filter: the rows from the top. */
  function fresh(): void {
    render();
    table.toTop();
  }

  function render(): void {
    const { phases: index, selected, server } = browsed();
    const all = scope.value === 'all';
    const records = all ? index.all() : index.file(selected);
    const sorted = sortKey === undefined ? records : all ? index.sortedBy(sortKey) : sortFile(records, sortKey);
    const needle = filter.value.trim().toLowerCase();
    let shown = needle === '' && !onlyProblems.checked ? sorted : sorted.filter((r) => (!onlyProblems.checked || r.status !== '') && (needle === '' || r.haystack.includes(needle)));
    if (!ascending) shown = [...shown].reverse();
    const visible = fields.filter((f) => all || f.key !== 'filePath');
    table.show(visible.map((f) => column(f)), shown);
    const total = all ? index.total : records.length;
    const flagged = all ? index.problems : index.problemsIn(selected);
    const reading = all && index.loading ? ` (reading: ${index.loaded.toLocaleString('en')} of ${total.toLocaleString('en')} so far)` : '';
    summary.textContent = `${shown.length.toLocaleString('en')} of ${total.toLocaleString('en')} phases · ${flagged.toLocaleString('en')} with problems${reading}`;
    empty.textContent = shown.length > 0 ? '' : records.length === 0 ? (all && index.loading ? 'Reading phases…' : server === undefined ? 'No phases yet: add [[phase]] tables to the file.' : 'No phases: the server has none loaded for this file.') : 'No phase matches the filter.';
  }

  function column(f: Field): Column<IndexedPhase> {
    return {
      id: f.key,
      width: f.width,
      className: f.className,
      sticky: f.key === 'task',
      sort: sortKey === f.key ? (ascending ? 'ascending' : 'descending') : undefined,
      header: () => h('button', { type: 'button', class: 'sort', 'data-testid': `sort-${f.key}`, onclick: () => sortBy(f.key) }, f.label, h('span', { class: 'arrow', 'aria-hidden': 'true' }, sortKey === f.key ? (ascending ? '▲' : '▼') : '')),
      cell: (r) => {
        if (f.key !== 'status') return String(r[f.key]);
        const problems = problemsOf(r);
        return problems.length === 0 ? h('span', { class: 'ok-mark' }, 'ok') : h('ul', {}, ...problems.map((p) => h('li', {}, p)));
      },
    };
  }

  function sortBy(key: SortColumn): void {
    ascending = sortKey === key ? !ascending : true;
    sortKey = key;
    fresh();
  }

  return { element, render };
}

/** One file's phases sorted by a column, stable: a few hundred at most. */
function sortFile(records: IndexedPhase[], key: SortColumn): IndexedPhase[] {
  return records.map((r, i) => [r, i] as const).sort(([a, i], [b, j]) => {
    const x = a[key];
    const y = b[key];
    return (typeof x === 'number' && typeof y === 'number' ? x - y : x < y ? -1 : x > y ? 1 : 0) || i - j;
  }).map(([r]) => r);
}
