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

/** What the host provides. */
export interface RowWindowOptions {
  /** The scroll box. */
  readonly scroller: () => HTMLElement | null | undefined;
  /** The element the rows are rendered in (inside the scroll box, rows start at its top). */
  readonly rows: () => HTMLElement | null | undefined;
  /** How many rows there are. */
  readonly count: () => number;
  /** Rows rendered beyond each edge of the visible band (default 8). */
  readonly overscan?: number;
}

/** The rows to render: indices `[first, end)`. */
export interface RowRange {
  readonly first: number;
  readonly end: number;
}

/** Rows rendered before the scroll box is known (its first render). */
const INITIAL_ROWS = 40;

/** See the module docs. */
export class RowWindow implements ReactiveController {
  /** Height of one row in CSS pixels, measured from a rendered row. */
  rowHeight = 31;
  #range: RowRange = { first: 0, end: 0 };
  #scroller: HTMLElement | undefined;
  #resize: ResizeObserver | undefined;
  /**
   * The scroll box's geometry as last read (on scroll, resize and after each render), so working
   * out the range before a render never forces a layout of a DOM about to change.
   */
  #scrollTop = 0;
  #viewHeight = 0;
  #rowsTop = 0;
  readonly #onScroll = (): void => {
    this.#measure();
    if (!this.#covers(this.#range)) this.host.requestUpdate();
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

  /** The total height of all rows. */
  get height(): number {
    return this.options.count() * this.rowHeight;
  }

  hostUpdate(): void {
    const count = this.options.count();
    const current = { first: Math.min(this.#range.first, count), end: Math.min(this.#range.end, count) };
    if (this.#scroller === undefined) this.#range = { first: 0, end: Math.min(count, INITIAL_ROWS) };
    else if (!this.#covers(current) || current.end - current.first > this.#span() + 4 * this.#overscan()) this.#range = this.#around(this.#visible());
    else this.#range = current;
  }

  hostUpdated(): void {
    const scroller = this.options.scroller() ?? undefined;
    if (scroller !== this.#scroller) {
      this.#detach();
      this.#scroller = scroller;
      if (scroller !== undefined) {
        scroller.addEventListener('scroll', this.#onScroll, { passive: true });
        this.#resize = new ResizeObserver(this.#onScroll);
        this.#resize.observe(scroller);
      }
    }
    this.#measure();
    const sample = this.options.rows()?.firstElementChild;
    const measured = sample instanceof HTMLElement ? sample.getBoundingClientRect().height : 0;
    let stale = !this.#covers(this.#range);
    if (measured > 0 && Math.abs(measured - this.rowHeight) > 0.01) {
      this.rowHeight = measured;
      stale = true;
    }
    if (stale) this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.#detach();
    this.#scroller = undefined;
  }

  /** Scrolls the least distance that shows row `index` whole below `stickyTop` px of the box. */
  scrollToRow(index: number, stickyTop = 0): void {
    const scroller = this.#scroller;
    const rows = this.options.rows();
    if (scroller === undefined || !rows) return;
    const top = rows.offsetTop + index * this.rowHeight;
    const bottom = top + this.rowHeight;
    if (top - stickyTop < scroller.scrollTop) scroller.scrollTop = top - stickyTop;
    else if (bottom > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = bottom - scroller.clientHeight;
  }

  #measure(): void {
    const scroller = this.#scroller;
    if (scroller === undefined) return;
    this.#scrollTop = scroller.scrollTop;
    this.#viewHeight = scroller.clientHeight;
    this.#rowsTop = this.options.rows()?.offsetTop ?? this.#rowsTop;
  }

  #detach(): void {
    this.#scroller?.removeEventListener('scroll', this.#onScroll);
    this.#resize?.disconnect();
    this.#resize = undefined;
  }

  #overscan(): number {
    return this.options.overscan ?? 8;
  }

  /** How many rows the scroll box shows at once. */
  #span(): number {
    return Math.ceil(this.#viewHeight / this.rowHeight) + 1;
  }

  /** The rows intersecting the scroll box now, without overscan. */
  #visible(): RowRange {
    const count = this.options.count();
    if (this.#scroller === undefined) return { first: 0, end: Math.min(count, INITIAL_ROWS) };
    const top = this.#scrollTop - this.#rowsTop;
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
