/**
 * The life cycle of one uPlot instance inside a Lit element: created when the shape of what is
 * drawn changes (series, scales, styles), updated with `setData` otherwise, sized to its container
 * by a `ResizeObserver`, and destroyed when the element leaves the page.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import uPlot from 'uplot';

/** Smallest width or height uPlot is given (a collapsed container still gets a drawable plot). */
const MIN_SIZE = 50;

/** What the host provides. */
export interface UplotControllerOptions {
  /** The element uPlot draws into (undefined before the first render). */
  readonly container: () => HTMLElement | undefined;
  /** Called after the instance was destroyed (the host drops state tied to it, e.g. a cursor). */
  readonly onDestroy?: () => void;
}

/** See the module docs. */
export class UplotController implements ReactiveController {
  readonly #options: UplotControllerOptions;
  #plot: uPlot | undefined;
  /** The shape the instance was created for; another shape needs a new instance. */
  #shape = '';
  #resize: ResizeObserver | undefined;

  constructor(host: ReactiveControllerHost, options: UplotControllerOptions) {
    this.#options = options;
    host.addController(this);
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
   * one (returns true), else through `setData` (returns false). `resetScales: false` keeps the
   * current zoom. Does nothing (returns false) without a container.
   */
  draw(shape: string, data: uPlot.AlignedData, options: () => uPlot.Options, resetScales = true): boolean {
    const container = this.#options.container();
    if (container === undefined) return false;
    if (this.#plot === undefined || shape !== this.#shape) {
      this.destroy();
      this.#shape = shape;
      this.#plot = new uPlot({ ...options(), ...this.size() }, data, container);
      return true;
    }
    this.#plot.setData(data, resetScales);
    return false;
  }

  /** Destroys the instance; the next {@link UplotController.draw} creates a new one. */
  destroy(): void {
    if (this.#plot === undefined) return;
    this.#plot.destroy();
    this.#plot = undefined;
    this.#shape = '';
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

  #fit(): void {
    const plot = this.#plot;
    if (plot === undefined) return;
    const { width, height } = this.size();
    if (width !== plot.width || height !== plot.height) plot.setSize({ width, height });
  }
}
