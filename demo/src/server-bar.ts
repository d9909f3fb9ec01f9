import { h, setChildren } from './dom.js';
import { ServedCache, ServerError, serveCommand } from './served-cache.js';

/** The page parameter that opens a served cache: `?server=http://127.0.0.1:8080`. */
export const serverParameter = 'server';

/**
 * The bar that connects the page to a served cache and says, while it shows one, that it is
 * read-only, what it shows, and how fresh that is; Refresh re-reads it, Disconnect returns to
 * the files of this browser (never touched meanwhile). `switched` is told of each change.
 */
export function serverBar(switched: (served: ServedCache | undefined) => void): { element: HTMLElement; render: () => void; connect: (address: string) => Promise<void> } {
  let served: ServedCache | undefined;
  let busy = false;
  /** What the last refresh found, shown until the next. */
  let news = '';
  const input = h('input', { id: 'server-url', 'data-testid': 'server-url', type: 'text', inputmode: 'url', autocomplete: 'url', spellcheck: 'false', placeholder: 'http://127.0.0.1:8080' });
  const connectButton = h('button', { type: 'submit', class: 'small', 'data-testid': 'server-connect' }, 'Connect');
  const form = h('form', { class: 'server-form', 'data-testid': 'server-form', onsubmit: (event: Event) => { event.preventDefault(); void connect(input.value); } },
    h('label', { for: 'server-url' }, 'Served cache'),
    input,
    connectButton,
    h('span', { class: 'hint' }, 'shows a workflow-cache serve, read-only'),
  );
  const where = h('a', { class: 'server-where', 'data-testid': 'server-where', target: '_blank', rel: 'noopener noreferrer' });
  const status = h('span', { class: 'server-status', 'data-testid': 'server-status', role: 'status' });
  const refreshButton = h('button', { type: 'button', class: 'small', 'data-testid': 'server-refresh', onclick: () => void refresh() }, 'Refresh');
  const disconnectButton = h('button', { type: 'button', class: 'small', 'data-testid': 'server-disconnect', onclick: () => disconnect() }, 'Disconnect');
  const remote = h('div', { class: 'server-remote', 'data-testid': 'server-remote' },
    h('strong', { class: 'read-only', 'data-testid': 'read-only' }, 'Read-only'),
    h('span', {}, 'served cache at ', where),
    status,
    h('span', { class: 'server-buttons' }, refreshButton, disconnectButton),
  );
  const problem = h('div', { class: 'server-error', 'data-testid': 'server-error', role: 'alert' });
  const element = h('section', { class: 'server-bar', 'aria-label': 'Served cache', 'data-testid': 'server-bar' }, form, remote, problem);

  async function connect(address: string): Promise<void> {
    if (busy) return;
    busy = true;
    input.value = address;
    showProblem(undefined);
    status.textContent = '';
    render();
    connectButton.textContent = 'Connecting…';
    try {
      const next = await ServedCache.connect(address);
      served?.close();
      served = next;
      news = '';
      setParameter(served.server);
      switched(served);
    } catch (error) {
      showProblem(error);
    } finally {
      busy = false;
      connectButton.textContent = 'Connect';
      render();
    }
  }

  async function refresh(): Promise<void> {
    if (!served || busy) return;
    const reading = served;
    busy = true;
    const since = clock(reading.checkedAt);
    render();
    try {
      const changed = await reading.refresh();
      news = changed.length === 0
        ? `nothing changed since ${since}`
        : `${changed.length} file${changed.length === 1 ? '' : 's'} changed: ${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', …' : ''}`;
      showProblem(undefined);
    } catch (error) {
      if (reading === served) showProblem(error);
    } finally {
      busy = false;
      render();
    }
  }

  function disconnect(): void {
    served?.close();
    served = undefined;
    news = '';
    showProblem(undefined);
    setParameter(undefined);
    switched(undefined);
    render();
  }

  function showProblem(error: unknown): void {
    if (error === undefined) {
      setChildren(problem);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    const title = served ? `Could not refresh: the page still shows what it read at ${clock(served.checkedAt)}.` : 'Could not connect.';
    // The command to run, set apart so that it reads (and copies) as one.
    const [before, after] = message.split(serveCommand());
    const text = after === undefined ? [message] : [before, h('code', {}, serveCommand()), after];
    setChildren(problem, h('strong', {}, title), ' ', h('span', { 'data-testid': 'server-error-message', 'data-reason': error instanceof ServerError ? error.reason : 'unexpected' }, ...text));
  }

  function render(): void {
    form.hidden = served !== undefined;
    remote.hidden = served === undefined;
    input.disabled = busy;
    connectButton.disabled = busy;
    refreshButton.disabled = busy;
    element.dataset.state = served ? 'remote' : 'local';
    if (!served) return;
    where.textContent = served.server;
    where.href = `${served.server}/openapi.json`;
    const { phases } = served;
    const counts = `${served.keys().length} files · ${phases.total.toLocaleString('en')} phases · ${phases.problems.toLocaleString('en')} with problems`;
    const reading = phases.loading ? ` · reading ${phases.loaded.toLocaleString('en')} of ${phases.total.toLocaleString('en')}` : '';
    status.textContent = busy ? 'Refreshing…' : `${counts}${reading} · ${news || `read at ${clock(served.checkedAt)}`}`;
    // A read in the background that failed (the server stopped while files came in).
    if (served.trouble && problem.childElementCount === 0) showProblem(served.trouble);
  }

  render();
  return { element, render, connect };
}

/** Keeps the page's address opening what it shows, so a reload or a shared link opens it again. */
function setParameter(server: string | undefined): void {
  const url = new URL(location.href);
  if (server === undefined) url.searchParams.delete(serverParameter);
  else url.searchParams.set(serverParameter, server);
  history.replaceState(history.state, '', url);
}

function clock(date: Date): string {
  return date.toLocaleTimeString('en-GB');
}
