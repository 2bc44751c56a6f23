/**
 * The life cycle of one uPlot instance inside a Lit element: created when the shape of what is
 * drawn changes (series, scales, styles), updated with `setData` otherwise (keeping a zoomed-in x
 * range where it is), sized to its container by a `ResizeObserver`, and destroyed when the element
 * leaves the page.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import uPlot from 'uplot';

/** Smallest width or height uPlot is given (a collapsed container still gets a drawable plot). */
const MIN_SIZE = 50;

/** Whether the x scale shows less than the whole data (tolerates float noise in the bounds). */
function zoomedIn(u: uPlot): boolean {
  const xs = u.data[0];
  const { min, max } = u.scales['x'] ?? {};
  if (xs.length < 2 || min === undefined || max === undefined) return false;
  const first = xs[0]!;
  const last = xs[xs.length - 1]!;
  const tolerance = (last - first) * 1e-9;
  return min > first + tolerance || max < last - tolerance;
}

/** What the host provides. */
export interface UplotControllerOptions {
  /** The element uPlot draws into (undefined before the first render). */
  readonly container: () => HTMLElement | undefined;
  /** Called after the instance was destroyed (the host drops state tied to it, e.g. a cursor). */
  readonly onDestroy?: () => void;
}

/** See the module docs. */
export class UplotController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #options: UplotControllerOptions;
  #zoomed = false;
  #plot: uPlot | undefined;
  /** The shape the instance was created for; another shape needs a new instance. */
  #shape = '';
  #resize: ResizeObserver | undefined;

  constructor(host: ReactiveControllerHost, options: UplotControllerOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** True while the x axis shows less than the whole data (the user zoomed in). */
  get zoomed(): boolean {
    return this.#zoomed;
  }

  /** Shows the whole x range again (as a double-click does). */
  resetZoom(): void {
    const plot = this.#plot;
    const xs = plot?.data[0];
    if (plot === undefined || xs === undefined || xs.length === 0) return;
    plot.setScale('x', { min: xs[0]!, max: xs[xs.length - 1]! });
  }

  /** The instance (undefined before the first draw and after disconnect). */
  get plot(): uPlot | undefined {
    return this.#plot;
  }

  /** The size uPlot should have: its container's, at least {@link MIN_SIZE} each way. */
  size(): { width: number; height: number } {
    const el = this.#options.container();
    return { width: Math.max(MIN_SIZE, el?.clientWidth ?? 0), height: Math.max(MIN_SIZE, el?.clientHeight ?? 0) };
  }

  /**
   * Draws `data`: with a new instance built from `options()` when `shape` differs from the last
   * one (returns true), else through `setData` (returns false), which keeps a zoomed-in x range.
   * Does nothing (returns false) without a container.
   */
  draw(shape: string, data: uPlot.AlignedData, options: () => uPlot.Options): boolean {
    const container = this.#options.container();
    if (container === undefined) return false;
    if (this.#plot === undefined || shape !== this.#shape) {
      this.destroy();
      this.#shape = shape;
      const opts = options();
      const setScale = [...(opts.hooks?.setScale ?? []), (u: uPlot, key: string) => key === 'x' && this.#onScale(u)];
      this.#plot = new uPlot({ ...opts, ...this.size(), hooks: { ...opts.hooks, setScale } }, data, container);
      return true;
    }
    this.#plot.setData(data, !this.#zoomed);
    return false;
  }

  /** Destroys the instance; the next {@link UplotController.draw} creates a new one. */
  destroy(): void {
    if (this.#plot === undefined) return;
    this.#plot.destroy();
    this.#plot = undefined;
    this.#shape = '';
    this.#zoomed = false;
    this.#options.onDestroy?.();
  }

  hostUpdated(): void {
    const container = this.#options.container();
    if (this.#resize !== undefined || container === undefined) return;
    this.#resize = new ResizeObserver(() => this.#fit());
    this.#resize.observe(container);
  }

  hostDisconnected(): void {
    this.#resize?.disconnect();
    this.#resize = undefined;
    this.destroy();
  }

  #onScale(u: uPlot): void {
    const zoomed = zoomedIn(u);
    if (zoomed === this.#zoomed) return;
    this.#zoomed = zoomed;
    this.#host.requestUpdate();
  }

  #fit(): void {
    const plot = this.#plot;
    if (plot === undefined) return;
    const { width, height } = this.size();
    if (width !== plot.width || height !== plot.height) plot.setSize({ width, height });
  }
}
