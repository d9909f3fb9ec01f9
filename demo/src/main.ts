import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';
import type { SqlJsConfig } from '../../src/index.browser.js';
import { localBrowsed, readOnlyReason, type Browsed } from './browsed.js';
import { h, setChildren } from './dom.js';
import { filesView } from './files-view.js';
import { graphView } from './graph-view.js';
import { lookupsView } from './lookups-view.js';
import { phasesView } from './phases-view.js';
import type { ServedCache } from './served-cache.js';
import { serverBar, serverParameter } from './server-bar.js';
import { sqlView } from './sql-view.js';
import { exportAllWorkflows, exportDatabase, exportWorkflow, ImportRejected, importDatabase } from './transfer.js';
import { Workspace } from './workspace.js';
import { messageOf } from '../../src/message-of.js';

// Where vite put the wasm; sql.js starts once per page, from the first open.
const sqlJs: SqlJsConfig = { locateFile: () => wasmUrl };
const app = document.getElementById('app')!;

const notice = h('div', { class: 'notice', 'data-testid': 'notice', role: 'status' });
let noticeTimer: ReturnType<typeof setTimeout> | undefined;
function notify(message: string, kind: 'info' | 'error' = 'info'): void {
  notice.className = `notice ${kind} shown`;
  notice.textContent = message;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => notice.classList.remove('shown'), kind === 'error' ? 12000 : 5000);
}

setChildren(app, h('p', { class: 'loading' }, 'Starting SQLite…'));
document.body.dataset.started = 'true';
const workspace = await Workspace.open(sqlJs).catch((error: unknown) => {
  setChildren(app, h('p', { class: 'fatal', 'data-testid': 'fatal' }, `The playground could not start: ${messageOf(error)}`));
  throw error;
});

// What the views show: this browser's files, or a served cache while connected to one.
const local = localBrowsed(workspace);
let served: ServedCache | undefined;
const shown = (): Browsed => served ?? local;

const saveState = h('span', { class: 'save-state', 'data-testid': 'save-state' });
// Typing shows "Checking…" at once; the cache answers after the pause.
const files = filesView(workspace, shown, notify, () => {
  saveState.dataset.state = 'pending';
  saveState.textContent = 'Checking…';
});
const graph = graphView(shown);
const sql = sqlView(workspace);
// SQL runs on this browser's database: the HTTP API has no SQL endpoint, on purpose.
const sqlOff = h('p', { class: 'off-note', 'data-testid': 'sql-off' }, 'SQL runs on the database of this browser only: a served cache answers over its HTTP API, which has no SQL endpoint. Disconnect to run SQL on your own files, or ask the server with curl (GET /phase, /children, /search, /problems).');
const views = {
  phases: { label: 'Phases', ...phasesView(shown) },
  lookups: { label: 'Lookups', ...lookupsView(shown) },
  sql: { label: 'SQL', element: h('div', { class: 'panel-stack' }, sqlOff, sql.element), render: () => {
    sqlOff.hidden = served === undefined;
    sql.element.hidden = served !== undefined;
  } },
};
type Tab = keyof typeof views;

const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Tables' });
const panels = h('div', { class: 'panels' });
function showTab(name: Tab): void {
  for (const [key, view] of Object.entries(views)) view.element.hidden = key !== name;
  for (const button of tabs.querySelectorAll('button')) {
    const selected = button.dataset.tab === name;
    button.setAttribute('aria-selected', String(selected));
    button.tabIndex = selected ? 0 : -1;
  }
}
for (const [key, view] of Object.entries(views) as Array<[Tab, (typeof views)[Tab]]>) {
  tabs.append(h('button', { type: 'button', role: 'tab', id: `tab-${key}`, 'aria-controls': `panel-${key}`, 'data-tab': key, 'data-testid': `tab-${key}`, onclick: () => showTab(key) }, view.label));
  view.element.id = `panel-${key}`;
  view.element.setAttribute('role', 'tabpanel');
  view.element.setAttribute('aria-labelledby', `tab-${key}`);
  panels.append(view.element);
}

const importInput = h('input', { type: 'file', accept: '.sqlite,.db,.sqlite3,application/vnd.sqlite3', hidden: true, 'data-testid': 'import-file',
  onchange: async () => {
    const file = importInput.files?.[0];
    importInput.value = '';
    if (!file) return;
    try {
      const keys = await importDatabase(workspace, file, sqlJs);
      notify(`Imported ${keys.length} file${keys.length === 1 ? '' : 's'} from ${file.name}; their text was rebuilt from the stored phases.`);
    } catch (error) {
      notify(error instanceof ImportRejected ? error.message : `Import failed: ${messageOf(error)}`, 'error');
    }
  },
});
const tomlInput = h('input', { type: 'file', accept: '.toml,text/plain', multiple: true, hidden: true, 'data-testid': 'toml-file', onchange: () => { void addTomlFiles(tomlInput.files); tomlInput.value = ''; } });

/** Runs an export; one that refuses (a file key unsafe in an archive) says why in the page. */
function exportOrExplain(run: () => void): void {
  try {
    run();
  } catch (error) {
    notify(`Nothing was downloaded: ${messageOf(error)}`, 'error');
  }
}

async function addTomlFiles(list: FileList | null | undefined): Promise<void> {
  const chosen = [...(list ?? [])];
  const added: string[] = [];
  const refused: string[] = [];
  for (const file of chosen) {
    try {
      workspace.put(file.name, await file.text());
      added.push(file.name);
    } catch (error) {
      refused.push(messageOf(error));
    }
  }
  const addedText = added.length > 0 ? `Added ${added.join(', ')}.` : '';
  if (refused.length > 0) notify(`Not added: ${refused.join('; ')}. ${addedText}`.trim(), 'error');
  else if (addedText) notify(addedText);
}

/** The header's buttons that read or change this browser's files: off while a served cache is shown. */
const localActions = [
  h('button', { type: 'button', 'data-testid': 'toml-open', onclick: () => tomlInput.click() }, 'Open .toml'),
  h('button', { type: 'button', 'data-testid': 'export-toml', 'data-title': 'The selected file', onclick: () => exportWorkflow(workspace, workspace.selected) }, 'Download .toml'),
  h('button', { type: 'button', 'data-testid': 'export-all-toml', 'data-title': 'Every file, in folders, as one .tar', onclick: () => exportOrExplain(() => exportAllWorkflows(workspace)) }, 'Download all'),
  h('button', { type: 'button', 'data-testid': 'export-sqlite', onclick: () => exportDatabase(workspace) }, 'Export .sqlite'),
  h('button', { type: 'button', 'data-testid': 'import-sqlite', onclick: () => importInput.click() }, 'Import .sqlite'),
];
const bar = serverBar((next) => {
  served = next;
  served?.onChange(render);
  render();
});

// At phone widths one part of the page is shown at a time, picked here; wider, all of them are.
const parts = { editor: 'Editor', graph: 'Graph', tables: 'Tables' } as const;
type Part = keyof typeof parts;
const layout = h('main', { class: 'layout', 'data-part': 'editor' });
const switcher = h('nav', { class: 'part-switch', 'aria-label': 'Part of the page' },
  ...(Object.entries(parts) as Array<[Part, string]>).map(([part, label]) =>
    h('button', { type: 'button', 'data-testid': `part-${part}`, 'data-part': part, 'aria-pressed': String(part === 'editor'), onclick: () => showPart(part) }, label)),
);
function showPart(part: Part): void {
  layout.dataset.part = part;
  for (const button of switcher.querySelectorAll('button')) button.setAttribute('aria-pressed', String(button.dataset.part === part));
}

setChildren(app,
  h('header', { class: 'top' },
    h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '⛁'), h('h1', {}, 'workflow-cache'), h('span', { class: 'tagline' }, 'playground · check task workflows before you ship them')),
    h('div', { class: 'actions' },
      saveState,
      ...localActions,
      importInput,
      tomlInput,
    ),
  ),
  bar.element,
  switcher,
  layout,
  notice,
);
setChildren(layout,
  h('div', { class: 'left part-editor' }, files.files, files.editor),
  h('div', { class: 'right' },
    h('section', { class: 'card graph-card part-graph', 'aria-label': 'Dependency graph' }, graph.element),
    h('section', { class: 'card tabs-card part-tables', 'aria-label': 'Tables' }, tabs, panels),
  ),
);

function render(): void {
  files.render();
  graph.render();
  for (const view of Object.values(views)) view.render();
  bar.render();
  document.body.dataset.mode = served ? 'remote' : 'local';
  for (const button of localActions) {
    button.disabled = served !== undefined;
    button.title = served ? readOnlyReason : (button.dataset.title ?? '');
  }
  if (served) {
    saveState.dataset.state = 'remote';
    saveState.textContent = 'Read-only';
  } else {
    saveState.dataset.state = workspace.saveState;
    saveState.textContent = { saved: 'Saved in this browser', pending: 'Checking…', error: 'Not saved' }[workspace.saveState];
  }
  while (workspace.warnings.length > 0) notify(workspace.warnings.shift()!, 'error');
}

workspace.onChange(render);
// A tab key in the tab list moves between tabs, as the ARIA tabs pattern has it.
tabs.addEventListener('keydown', (event) => {
  const order = Object.keys(views) as Tab[];
  const at = order.findIndex((key) => tabs.querySelector(`[data-tab="${key}"]`)?.getAttribute('aria-selected') === 'true');
  const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
  if (step === 0) return;
  const next = order[(at + step + order.length) % order.length];
  showTab(next);
  tabs.querySelector<HTMLButtonElement>(`[data-tab="${next}"]`)?.focus();
});
document.addEventListener('dragover', (event) => event.preventDefault());
document.addEventListener('drop', (event) => {
  event.preventDefault();
  if (served) notify(`Nothing was added: ${readOnlyReason}`, 'error');
  else void addTomlFiles(event.dataTransfer?.files);
});
showTab('phases');
render();
// A link with ?server= opens that served cache; the local files stay as they are, for Disconnect.
const linked = new URLSearchParams(location.search).get(serverParameter);
if (linked !== null) await bar.connect(linked);
document.body.dataset.ready = 'true';
