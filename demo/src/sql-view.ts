import { h, setChildren } from './dom.js';
import type { Workspace } from './workspace.js';

interface Preset {
  label: string;
  sql: (file: string) => string;
}

/** The plan's example queries, with the selected file filled in where they name one. */
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

/** Read-only SQL against a copy of the cache's database, with the plan's queries one click away. */
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
  const results = h('div', { class: 'table-wrap sql-results', 'data-testid': 'sql-results' });
  const count = h('span', { class: 'summary', 'data-testid': 'sql-count' });

  // Each run gets a number: a slow query answered after a newer one started is dropped.
  let latest = 0;

  /**
   * Runs the SQL on a copy of the database in a worker, within the default limits: an endless
   * query is stopped after a few seconds, and the tab stays responsive meanwhile.
   */
  async function run(): Promise<void> {
    const mine = ++latest;
    results.dataset.state = 'running';
    count.textContent = 'Running…';
    let rows: Record<string, unknown>[];
    try {
      rows = await workspace.cache.queryIsolated(input.value);
    } catch (e) {
      if (mine !== latest) return;
      error.textContent = e instanceof Error ? e.message : String(e);
      setChildren(results);
      count.textContent = '';
      results.dataset.state = 'error';
      return;
    }
    if (mine !== latest) return;
    error.textContent = '';
    count.textContent = `${rows.length} row${rows.length === 1 ? '' : 's'}`;
    const names = rows.length > 0 ? Object.keys(rows[0]) : [];
    setChildren(results, rows.length === 0 ? h('p', { class: 'empty' }, 'No rows.') : h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, ...names.map((n) => h('th', { scope: 'col' }, n)))),
      h('tbody', {}, ...rows.map((row) => h('tr', {}, ...names.map((n) => cell(row[n]))))),
    ));
    results.dataset.state = 'done';
  }

  const element = h('div', { class: 'panel-body' },
    h('div', { class: 'presets', 'data-testid': 'sql-presets' }, ...presets.map((p, i) =>
      h('button', { type: 'button', class: 'chip', 'data-testid': `sql-preset-${i}`, onclick: () => { input.value = p.sql(workspace.selected); void run(); } }, p.label),
    )),
    input,
    h('div', { class: 'toolbar' },
      h('button', { type: 'button', class: 'primary', 'data-testid': 'sql-run', onclick: () => void run() }, 'Run'),
      h('span', { class: 'hint' }, 'Ctrl+Enter · read-only, on a copy; stopped after 5 s'),
      count,
    ),
    error,
    results,
  );

  return { element, render: () => {} };
}

function cell(value: unknown): HTMLTableCellElement {
  if (value === null) return h('td', { class: 'null' }, 'NULL');
  if (value instanceof Uint8Array) return h('td', { class: 'null' }, `BLOB (${value.length} bytes)`);
  return h('td', { class: typeof value === 'number' ? 'num' : undefined }, String(value));
}
