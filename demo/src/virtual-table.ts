import { elementScroll, measureElement, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/virtual-core';
import { h, setChildren } from './dom.js';

/** A column: its header, its cells, and its width as a CSS grid track. */
export interface Column<R> {
  id: string;
  header: () => Node | string;
  cell: (row: R) => Node | string;
  /** A grid track such as `minmax(7rem, 1fr)`: header and rows share them, so they stay in step. */
  width: string;
  className?: string;
  /** Kept in view when the table scrolls sideways (the task). */
  sticky?: boolean;
  sort?: 'ascending' | 'descending';
}

interface Options<R> {
  label: string;
  testId: string;
  key: (row: R, index: number) => string;
  rowClass?: (row: R) => string;
  /** A row's height before it is measured, in pixels. */
  estimate?: number;
}

/**
 * A table that puts only the rows in view (and a few around them) in the page, by
 * `@tanstack/virtual-core`, so 100,000 rows cost what 40 do. Header and rows are CSS grids of
 * the same tracks in one scrolling box: they stay in step when it scrolls sideways, and cells
 * wrap instead of being cut off. Roles and `aria-rowcount`/`aria-rowindex` keep it a table to
 * assistive technology.
 */
export class VirtualTable<R> {
  readonly element: HTMLElement;
  readonly #options: Options<R>;
  readonly #scroller: HTMLElement;
  readonly #head: HTMLElement;
  readonly #body: HTMLElement;
  readonly #virtualizer: Virtualizer<HTMLElement, HTMLElement>;
  #columns: Column<R>[] = [];
  #rows: readonly R[] = [];
  /** Rows in the page by key: moved, not rebuilt, as the table scrolls. */
  #rendered = new Map<string, HTMLElement>();
  #painting = false;
  #again = false;

  constructor(options: Options<R>) {
    this.#options = options;
    this.#head = h('div', { role: 'row', class: 'vrow vhead', 'aria-rowindex': 1 });
    this.#body = h('div', { role: 'rowgroup', class: 'vbody' });
    // The scrolling box is the table itself: focusable, so the keyboard scrolls it.
    this.#scroller = h('div', { class: 'vscroll', role: 'table', tabindex: 0, 'aria-label': options.label },
      h('div', { role: 'rowgroup', class: 'vheadgroup' }, this.#head),
      this.#body,
    );
    this.element = h('div', { class: 'vtable', 'data-testid': options.testId }, this.#scroller);
    this.#virtualizer = new Virtualizer<HTMLElement, HTMLElement>({
      count: 0,
      getScrollElement: () => this.#scroller,
      estimateSize: () => options.estimate ?? 34,
      overscan: 8,
      scrollToFn: elementScroll,
      observeElementRect,
      observeElementOffset,
      measureElement,
      onChange: () => this.#paint(),
    });
    this.#virtualizer._didMount();
    this.#virtualizer._willUpdate();
  }

  /** Shows these rows with these columns; the scroll position is kept where it still means something. */
  show(columns: Column<R>[], rows: readonly R[]): void {
    this.#columns = columns;
    this.#rows = rows;
    this.element.style.setProperty('--tracks', columns.map((c) => c.width).join(' '));
    // The narrowest the tracks allow: past it the table scrolls sideways instead of squeezing.
    this.element.style.setProperty('--min-width', `${columns.reduce((sum, c) => sum + minimum(c.width), 0)}rem`);
    this.#scroller.setAttribute('aria-rowcount', String(rows.length + 1));
    setChildren(this.#head, ...columns.map((c) =>
      h('div', { role: 'columnheader', class: c.sticky ? 'vcell sticky' : 'vcell', 'aria-sort': c.sort }, c.header()),
    ));
    this.#virtualizer.setOptions({ ...this.#virtualizer.options, count: rows.length, scrollMargin: this.#head.offsetHeight });
    this.#virtualizer._willUpdate();
    this.#rendered = new Map();
    this.#paint();
  }

  /** Scrolls back to the first row (after a new sort or filter). */
  toTop(): void {
    this.#scroller.scrollTop = 0;
  }

  #paint(): void {
    // Measuring a new row can ask for another paint: run it after this one, not inside it.
    if (this.#painting) {
      this.#again = true;
      return;
    }
    this.#painting = true;
    try {
      do {
        this.#again = false;
        this.#paintOnce();
      } while (this.#again);
    } finally {
      this.#painting = false;
    }
  }

  #paintOnce(): void {
    const v = this.#virtualizer;
    const margin = this.#head.offsetHeight;
    if (v.options.scrollMargin !== margin) v.setOptions({ ...v.options, scrollMargin: margin });
    this.#body.style.height = `${v.getTotalSize()}px`;
    const rendered = new Map<string, HTMLElement>();
    const created: HTMLElement[] = [];
    for (const item of v.getVirtualItems()) {
      const key = this.#options.key(this.#rows[item.index], item.index);
      let row = this.#rendered.get(key);
      if (!row) {
        row = this.#row(this.#rows[item.index], item.index);
        created.push(row);
      }
      row.style.transform = `translateY(${item.start - margin}px)`;
      rendered.set(key, row);
    }
    this.#rendered = rendered;
    setChildren(this.#body, ...rendered.values());
    for (const row of created) v.measureElement(row);
  }

  #row(record: R, index: number): HTMLElement {
    return h('div', { role: 'row', class: `vrow ${this.#options.rowClass?.(record) ?? ''}`, 'data-index': index, 'aria-rowindex': index + 2 },
      ...this.#columns.map((c) => h('div', { role: 'cell', class: ['vcell', c.className, c.sticky ? 'sticky' : ''].filter(Boolean).join(' ') }, c.cell(record))),
    );
  }
}

/** The smallest width of a track written `Nrem` or `minmax(Nrem, …)`, in rem. */
function minimum(track: string): number {
  return Number(/([\d.]+)rem/.exec(track)?.[1] ?? 6);
}
