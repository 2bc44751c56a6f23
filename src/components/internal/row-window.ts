/**
 * Windowing for a list of equal-height rows inside a scroll box: which rows to render for the
 * current scroll position, computed from the row height alone, so every position shows exactly
 * the rows it should.
 *
 * `<ef-run-table>` used `@lit-labs/virtualizer` before. Its `virtualize()` directive starts while
 * Lit fills a freshly cloned template, before the fragment is in the shadow root, so it found no
 * scrolling ancestor, listened to the window only, and the table went blank past the first
 * screenful. Even connected properly, its flow layout estimates the positions of rows it has not
 * measured and after a jump placed them a row off. The table's rows all have one height (set by
 * CSS), so no estimate is needed: row `i` starts at `i × height`.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Settling } from '../controllers/status.js';

/** What the host provides. */
export interface RowWindowOptions {
  /** The scroll box. */
  readonly scroller: () => HTMLElement | null | undefined;
  /** The element the rows are rendered in (inside the scroll box, rows start at its top). */
  readonly rows: () => HTMLElement | null | undefined;
  /**
   * An element exactly as tall as one row that stays across renders (the table's header row):
   * the row height is observed on it. Observing a rendered row instead would start a new
   * observation whenever a scroll or sort replaces the first row, inside the very resize
   * callback that caused it, and the browser reports a resize-observer loop.
   */
  readonly rowSample: () => Element | null | undefined;
  /** How many rows there are. */
  readonly count: () => number;
  /** Rows rendered beyond each edge of the visible band (default 4). */
  readonly overscan?: number;
}

/** The rows to render: indices `[first, end)`. */
export interface RowRange {
  readonly first: number;
  readonly end: number;
}

/** Rows rendered before the scroll box is known (its first render). */
const INITIAL_ROWS = 24;

/**
 * See the module docs. It is {@link Settling} until the scroll box's size is first observed, so
 * the host's `loaded()` waits for the rows that fill the box, not only the first {@link INITIAL_ROWS}.
 */
export class RowWindow implements ReactiveController, Settling {
  /** Height of one row in CSS pixels, as observed on the row sample. */
  rowHeight = 31;
  #range: RowRange = { first: 0, end: 0 };
  #scroller: HTMLElement | undefined;
  /** The elements whose sizes are observed besides the scroll box: the rows box and the row sample. */
  #rows: Element | undefined;
  #sample: Element | undefined;
  #resize: ResizeObserver | undefined;
  /**
   * The scroll box's geometry, read only where the browser has just laid out: `scrollTop` in the
   * scroll handler, the rest when resize observations are delivered. A render never reads layout,
   * so it never forces the browser to lay out the rows it has just written within the same task.
   */
  #scrollTop = 0;
  #viewHeight = 0;
  #rowsTop = 0;
  #sized: Promise<void> = Promise.resolve();
  #resolveSized: (() => void) | undefined;
  readonly #onScroll = (): void => {
    this.#scrollTop = this.#scroller?.scrollTop ?? 0;
    this.#refresh();
  };
  readonly #onResize = (entries: readonly ResizeObserverEntry[]): void => {
    for (const entry of entries) {
      if (entry.target === this.#scroller) this.#viewHeight = entry.contentBoxSize[0]?.blockSize ?? entry.contentRect.height;
      else if (entry.target === this.#sample) {
        const height = entry.borderBoxSize[0]?.blockSize ?? 0;
        if (height > 0) this.rowHeight = height;
      }
    }
    // Observations are delivered after layout: these reads are free. A shrinking rows box may
    // have clamped the scroll position.
    this.#scrollTop = this.#scroller?.scrollTop ?? 0;
    if (this.#rows instanceof HTMLElement) this.#rowsTop = this.#rows.offsetTop;
    this.#refresh();
    // Settle after this rendering step, not inside it: code awaiting `loaded()` (a viewer laying
    // out its charts) would otherwise resize other observed elements mid-delivery, and the browser
    // reports a resize-observer loop.
    if (this.#resolveSized !== undefined) setTimeout(() => this.#sizeKnown(), 0);
  };

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: RowWindowOptions,
  ) {
    host.addController(this);
  }

  /** The rows to render in this update. */
  get range(): RowRange {
    return this.#range;
  }

  get settled(): Promise<void> {
    return this.#sized;
  }

  get busy(): boolean {
    return this.#resolveSized !== undefined;
  }

  /** The total height of all rows. */
  get height(): number {
    return this.options.count() * this.rowHeight;
  }

  hostUpdate(): void {
    this.#range = this.#next();
  }

  /** Starts observing the scroll box, rows box and row sample when they change; reads no layout. */
  hostUpdated(): void {
    const scroller = this.options.scroller() ?? undefined;
    if (scroller !== this.#scroller) {
      this.#detach();
      this.#scroller = scroller;
      if (scroller !== undefined) {
        scroller.addEventListener('scroll', this.#onScroll, { passive: true });
        this.#resize = new ResizeObserver(this.#onResize);
        this.#resize.observe(scroller);
        this.#sized = new Promise((resolve) => (this.#resolveSized = resolve));
      }
    }
    const rows = this.options.rows() ?? undefined;
    this.#observe(rows, this.#rows);
    this.#rows = rows;
    const sample = this.options.rowSample() ?? undefined;
    this.#observe(sample, this.#sample);
    this.#sample = sample;
  }

  hostDisconnected(): void {
    this.#detach();
    this.#scroller = undefined;
  }

  /** Scrolls the least distance that shows row `index` whole below `stickyTop` px of the box. */
  scrollToRow(index: number, stickyTop = 0): void {
    const scroller = this.#scroller;
    if (scroller === undefined) return;
    const top = this.#rowsTop + index * this.rowHeight;
    const bottom = top + this.rowHeight;
    let to = this.#scrollTop;
    if (top - stickyTop < to) to = top - stickyTop;
    else if (bottom > to + this.#viewHeight) to = bottom - this.#viewHeight;
    if (to === this.#scrollTop) return;
    scroller.scrollTop = to;
    this.#scrollTop = Math.max(0, to);
    this.#refresh();
  }

  /** The range for this update: the current one while it holds the visible rows and is not much larger. */
  #next(): RowRange {
    const count = this.options.count();
    if (this.#scroller === undefined || this.#viewHeight === 0) return { first: 0, end: Math.min(count, INITIAL_ROWS) };
    const current = { first: Math.min(this.#range.first, count), end: Math.min(this.#range.end, count) };
    const fits = current.end - current.first <= this.#span() + 2 * this.#overscan();
    return fits && this.#covers(current) ? current : this.#around(this.#visible());
  }

  /** Renders again when the rows in the DOM no longer hold the visible ones, or are far more. */
  #refresh(): void {
    const next = this.#next();
    if (next.first !== this.#range.first || next.end !== this.#range.end) this.host.requestUpdate();
  }

  #observe(element: Element | undefined, previous: Element | undefined): void {
    if (element === previous || this.#resize === undefined) return;
    if (previous !== undefined) this.#resize.unobserve(previous);
    if (element !== undefined) this.#resize.observe(element);
  }

  #sizeKnown(): void {
    this.#resolveSized?.();
    this.#resolveSized = undefined;
  }

  #detach(): void {
    this.#sizeKnown();
    this.#scroller?.removeEventListener('scroll', this.#onScroll);
    this.#resize?.disconnect();
    this.#resize = undefined;
    this.#rows = undefined;
    this.#sample = undefined;
  }

  #overscan(): number {
    return this.options.overscan ?? 4;
  }

  /** How many rows the scroll box shows at once. */
  #span(): number {
    return Math.ceil(this.#viewHeight / this.rowHeight) + 1;
  }

  /** The rows intersecting the scroll box now, without overscan. */
  #visible(): RowRange {
    const count = this.options.count();
    // Fewer rows than before clamp the scroll position, as the browser will once it lays them out.
    const scrollTop = Math.min(this.#scrollTop, Math.max(0, this.#rowsTop + this.height - this.#viewHeight));
    const top = scrollTop - this.#rowsTop;
    const first = Math.min(count, Math.max(0, Math.floor(top / this.rowHeight)));
    const end = Math.min(count, Math.ceil((top + this.#viewHeight) / this.rowHeight));
    return { first, end: Math.max(first, end) };
  }

  #around(visible: RowRange): RowRange {
    return { first: Math.max(0, visible.first - this.#overscan()), end: Math.min(this.options.count(), visible.end + this.#overscan()) };
  }

  /** True when `range` holds every visible row. */
  #covers(range: RowRange): boolean {
    const visible = this.#visible();
    return visible.first >= range.first && visible.end <= range.end;
  }
}
