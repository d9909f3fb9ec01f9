import { h, setChildren } from './dom.js';
import type { Browsed, LookupMethod } from './browsed.js';

/** A form for `get`, `children` and `search`, showing each call and what it returned. */
export function lookupsView(shown: () => Browsed): { element: HTMLElement; render: () => void } {
  const type = h('input', { 'data-testid': 'lookup-type', placeholder: 'transform', 'aria-label': 'type' });
  const job = h('input', { 'data-testid': 'lookup-job', placeholder: '(optional)', 'aria-label': 'job' });
  const meta = h('input', { 'data-testid': 'lookup-meta', 'aria-label': 'meta' });
  const call = h('code', { class: 'call', 'data-testid': 'lookup-call' });
  const result = h('pre', { class: 'result', 'data-testid': 'lookup-result' });
  let lastFile = '';

  // Each call gets a number: a slow answer from a server, come after a newer call, is dropped.
  let latest = 0;

  async function run(method: LookupMethod): Promise<void> {
    const task = { type: type.value.trim(), job: job.value.trim() || undefined, meta: meta.value.trim() };
    const browsed = shown();
    const mine = ++latest;
    call.textContent = browsed.describe(method, task);
    try {
      const answer = await browsed.lookup(method, task);
      if (mine === latest) show(answer);
    } catch (error) {
      if (mine !== latest) return;
      result.classList.add('failed');
      result.textContent = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
  }

  function show(value: unknown): void {
    result.classList.remove('failed');
    // A retry beyond 2^53 is a bigint, which JSON has no form for: shown as its digits.
    result.textContent = JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
  }

  const field = (label: string, input: HTMLInputElement, hint: string) => h('label', { class: 'field' }, h('span', {}, label), input, h('small', {}, hint));
  const form = h('form', { class: 'lookup', 'data-testid': 'lookup-form', onsubmit: (event: Event) => { event.preventDefault(); void run('get'); } },
    field('type', type, 'the task topic'),
    field('job', job, 'else meta job='),
    field('meta', meta, 'workflow=<file> or workflow=*'),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'lookup-get' }, 'get(task)'),
      h('button', { type: 'button', 'data-testid': 'lookup-children', onclick: () => void run('children') }, 'children(task)'),
      h('button', { type: 'button', 'data-testid': 'lookup-search', onclick: () => void run('search') }, 'search(type, job)'),
    ),
  );
  const element = h('div', { class: 'panel-body' },
    h('p', { class: 'hint' }, 'Ask the cache what the scheduler would ask it: which phase a task is, and which phases run after it.'),
    form,
    h('div', { class: 'answer' }, call, result),
  );

  function render(): void {
    // Follow the selected file until the user writes a meta of their own.
    const { selected } = shown();
    const suggested = `workflow=${selected}`;
    if (meta.value === '' || meta.value === `workflow=${lastFile}`) meta.value = suggested;
    lastFile = selected;
    if (call.textContent === '') setChildren(call, 'Fill in a task and press a button.');
  }

  return { element, render };
}
