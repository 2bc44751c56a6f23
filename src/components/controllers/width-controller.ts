/**
 * The content width of a host element, kept up to date with a ResizeObserver: for drawings whose
 * coordinates should be CSS pixels (so their text keeps its size) rather than a fixed viewBox scaled
 * to fit.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Requests an update of its host whenever the host's content width changes. */
export class WidthController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  #observer: ResizeObserver | undefined;
  #width = 0;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
    host.addController(this);
  }

  /** The host's content width in CSS pixels; 0 before the first layout. */
  get width(): number {
    return this.#width;
  }

  hostConnected(): void {
    this.#observer = new ResizeObserver((entries) => {
      const width = Math.round(entries[entries.length - 1]!.contentRect.width);
      if (width === this.#width) return;
      this.#width = width;
      this.#host.requestUpdate();
    });
    this.#observer.observe(this.#host);
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
  }
}
