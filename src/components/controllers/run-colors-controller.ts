/**
 * An element's side of the shared run colours: it tells the scale of its view which runs it
 * shows, and asks it for their styles. See `internal/colors.ts`.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Run } from '../../core/entities.js';
import { RunColorScale, runColorScale, type RunStyle } from '../internal/colors.js';

/** See the module docs. */
export class RunColorsController implements ReactiveController {
  #scale: RunColorScale | undefined;
  #shown: readonly Run[] | undefined;
  /** Styles before the element knows its view (no store yet): a scale of its own. */
  readonly #alone = new RunColorScale();

  /** `scope` names the view: the store object, or the URI it was opened from (see `runColorScale`). */
  constructor(
    private readonly host: ReactiveControllerHost & object,
    private readonly scope: () => object | string | undefined,
  ) {
    host.addController(this);
  }

  /** Declares the runs the element shows now (cheap when the same array is passed again). */
  show(runs: readonly Run[]): void {
    const scope = this.scope();
    const scale = scope === undefined ? undefined : runColorScale(scope);
    if (scale !== this.#scale) {
      this.#scale?.release(this.host);
      this.#scale = scale;
      this.#shown = undefined;
    }
    if (scale === undefined || runs === this.#shown) return;
    this.#shown = runs;
    scale.show(this.host, runs);
  }

  /** The style of a run in this element's view. */
  styleOf(runId: string): RunStyle {
    return (this.#scale ?? this.#alone).styleOf(runId);
  }

  hostConnected(): void {
    if (this.#shown !== undefined) this.#scale?.show(this.host, this.#shown);
  }

  hostDisconnected(): void {
    this.#scale?.release(this.host);
  }
}
