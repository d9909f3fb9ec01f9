import { QueryMemoryError, QueryResultSizeError, QueryTimeoutError } from '../../src/index.browser.js';
import { h } from './dom.js';
import { VirtualTable } from './virtual-table.js';
import type { Workspace } from './workspace.js';
import { messageOf } from '../../src/message-of.js';

interface Preset {
  label: string;
  sql: (file: string) => string;
}

/** The schema's example queries, with the selected file filled in where they name one. */
const presets: Preset[] = [
  { label: 'Phases of this file', sql: (f) => `SELECT task, depends_on, rule, status\nFROM workflow_phases\nWHERE file_path = ${literal(f)};` },
  { label: 'Phases with problems', sql: () => `SELECT file_path, task, status\nFROM workflow_phases\nWHERE status IS NOT NULL AND status != '';` },
  { label: 'Warnings or errors', sql: () => `SELECT file_path, task, status\nFROM workflow_phases\nWHERE status LIKE '%warning%' OR status LIKE '%error%';` },
  { label: 'Parent → child', sql: () => `SELECT\n  parent.depends_on AS parent_task,\n  parent.task AS child_task,\n  parent.file_path,\n  parent.rule AS child_rule,\n  parent.status AS child_status\nFROM workflow_phases parent\nWHERE parent.depends_on IS NOT NULL AND parent.depends_on != '';` },
  { label: 'Children of data-load:hourly', sql: () => `SELECT\n  child.task AS child_task,\n  child.file_path,\n  child.rule AS child_rule,\n  child.status AS child_status\nFROM workflow_phases child\nWHERE child.depends_on = 'data-load:hourly';` },
  { label: 'Phases by topic', sql: () => `SELECT file_path, task, depends_on, rule, status\nFROM workflow_phases\nWHERE task LIKE 'data-load:%';` },
  { label: 'Files summary', sql: () => `SELECT\n  wf.file_path,\n  wf.file_hash,\n  wf.loaded_at,\n  COUNT(wp.task) AS phase_count,\n  COUNT(CASE WHEN wp.status IS NOT NULL AND wp.status != '' THEN 1 END) AS phases_with_status\nFROM workflow_files wf\nLEFT JOIN workflow_phases wp ON wf.file_path = wp.file_path\nGROUP BY wf.file_path;` },
];

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Rows fetched and shown at a time; the total is counted apart. */
export const PAGE_ROWS = 1000;

type Row = Record<string, unknown>;

/**
 * Read-only SQL against a copy of the cache's database, with the schema's example queries one click away.
 * Results come a page at a time, with the total counted: the query is run as
 * `SELECT * FROM (query) LIMIT … OFFSET …` and `SELECT count(*) FROM (query)`, each by
 * `queryIsolated()` within its limits, so 150,000 rows cost one page of them.
 */
export function sqlView(workspace: Workspace): { element: HTMLElement; render: () => void } {
  const input = h('textarea', { class: 'sql', 'data-testid': 'sql-input', spellcheck: 'false', rows: 7, 'aria-label': 'SQL',
    onkeydown: (event: Event) => {
      const key = event as KeyboardEvent;
      if (key.key === 'Enter' && (key.ctrlKey || key.metaKey)) {
        key.preventDefault();
        void run();
      }
    },
  });
  const error = h('p', { class: 'sql-error', 'data-testid': 'sql-error', role: 'alert' });
  const table = new VirtualTable<Row>({ label: 'Query results', testId: 'sql-table', key: (_, i) => String(i) });
  const empty = h('p', { class: 'empty', 'data-testid': 'sql-empty' });
  const results = h('div', { class: 'sql-results', 'data-testid': 'sql-results' }, table.element, empty);
  const count = h('span', { class: 'summary', 'data-testid': 'sql-count', 'aria-live': 'polite' });
  const previous = h('button', { type: 'button', class: 'small', 'data-testid': 'sql-previous', onclick: () => void page(offset - PAGE_ROWS) }, '← Previous');
  const next = h('button', { type: 'button', class: 'small', 'data-testid': 'sql-next', onclick: () => void page(offset + PAGE_ROWS) }, 'Next →');
  const pager = h('div', { class: 'pager', 'data-testid': 'sql-pager' }, previous, next);

  // Each run gets a number: a slow query answered after a newer one started is dropped.
  let latest = 0;
  let body = '';
  let offset = 0;
  let total: number | undefined;
  /** Rows of the query when it could not be wrapped (paged here instead). */
  let whole: Row[] | undefined;
  table.element.hidden = true;

  /** Runs the SQL in the box from its first row, and counts its rows. */
  async function run(): Promise<void> {
    const mine = ++latest;
    body = input.value.replace(/[\s;]+$/, '');
    whole = undefined;
    total = undefined;
    const shown = await page(0, mine);
    if (!shown || mine !== latest || whole !== undefined) return;
    try {
      const [answer] = await workspace.cache.queryIsolated(`SELECT count(*) AS n FROM (\n${body}\n)`);
      if (mine !== latest) return;
      total = Number(answer.n);
    } catch (e) {
      if (mine !== latest) return;
      // The rows are there; only their number is unknown (counting them took too long).
      total = undefined;
      count.title = messageOf(e);
    }
    showCount();
  }

  /** Shows the page of rows from `from`; false when the query failed. */
  async function page(from: number, mine = latest): Promise<boolean> {
    results.dataset.state = 'running';
    count.textContent = 'Running…';
    offset = Math.max(0, from);
    let rows: Row[];
    try {
      if (whole) rows = whole.slice(offset, offset + PAGE_ROWS);
      else rows = await workspace.cache.queryIsolated(`SELECT * FROM (\n${body}\n) LIMIT ${PAGE_ROWS} OFFSET ${offset}`);
    } catch (wrapped) {
      // Not a query that can be wrapped (or a bad one): run it as written, so that its own
      // error is the one shown, and page its rows here. A limit it ran into is its own already.
      try {
        if (wrapped instanceof QueryTimeoutError || wrapped instanceof QueryMemoryError || wrapped instanceof QueryResultSizeError) throw wrapped;
        whole = await workspace.cache.queryIsolated(input.value);
        if (mine !== latest) return false;
        total = whole.length;
        rows = whole.slice(offset, offset + PAGE_ROWS);
      } catch (e) {
        if (mine !== latest) return false;
        error.textContent = messageOf(e);
        table.element.hidden = true;
        empty.textContent = '';
        pager.hidden = true;
        count.textContent = '';
        results.dataset.state = 'error';
        return false;
      }
    }
    if (mine !== latest) return false;
    error.textContent = '';
    const names = rows.length > 0 ? Object.keys(rows[0]) : [];
    const track = names.length <= 3 ? 'minmax(8rem, 1fr)' : 'minmax(9rem, 1fr)';
    table.element.hidden = rows.length === 0;
    table.show(names.map((n) => ({ id: n, width: track, header: () => n, cell: (row: Row) => cell(row[n]), className: 'sql-cell' })), rows);
    table.toTop();
    empty.textContent = rows.length === 0 ? 'No rows.' : '';
    shownRows = rows.length;
    showCount();
    results.dataset.state = 'done';
    return true;
  }

  let shownRows = 0;
  function showCount(): void {
    const last = offset + shownRows;
    const of = total === undefined ? (shownRows < PAGE_ROWS ? ` of ${last.toLocaleString('en')}` : ' (counting…)') : ` of ${total.toLocaleString('en')}`;
    count.textContent = shownRows === 0 ? (total === undefined ? '0 rows' : `0 of ${total.toLocaleString('en')} rows`) : `rows ${(offset + 1).toLocaleString('en')}–${last.toLocaleString('en')}${of}`;
    previous.disabled = offset === 0;
    next.disabled = total === undefined ? shownRows < PAGE_ROWS : last >= total;
    pager.hidden = offset === 0 && next.disabled;
  }

  const element = h('div', { class: 'panel-body' },
    h('div', { class: 'presets', 'data-testid': 'sql-presets' }, ...presets.map((p, i) =>
      h('button', { type: 'button', class: 'chip', 'data-testid': `sql-preset-${i}`, onclick: () => { input.value = p.sql(workspace.selected); void run(); } }, p.label),
    )),
    input,
    h('div', { class: 'toolbar' },
      h('button', { type: 'button', class: 'primary', 'data-testid': 'sql-run', onclick: () => void run() }, 'Run'),
      h('span', { class: 'hint' }, `Ctrl+Enter · read-only, on a copy; stopped after 5 s; ${PAGE_ROWS.toLocaleString('en')} rows a page`),
      count,
    ),
    error,
    pager,
    results,
  );
  pager.hidden = true;

  return { element, render: () => {} };
}

function cell(value: unknown): HTMLElement | string {
  if (value === null) return h('span', { class: 'null' }, 'NULL');
  if (value instanceof Uint8Array) return h('span', { class: 'null' }, `BLOB (${value.length} bytes)`);
  return typeof value === 'number' ? h('span', { class: 'num' }, String(value)) : String(value);
}
