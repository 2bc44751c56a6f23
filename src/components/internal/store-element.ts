/**
 * The base of every `ef-*` element that reads a store: the `.store` property, the `store-uri`
 * and `src` attributes, the store from context, the `theme` attribute, and `loaded()`.
 * @module
 */
import { LitElement, html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { Store } from '../../core/store.js';
import { StoreSourceController } from '../controllers/store-source-controller.js';
import { errorMessage, isSettling, type Settling } from '../controllers/status.js';

/** Colour scheme of an element: unset follows `prefers-color-scheme`. */
export type Theme = 'light' | 'dark';

/** Most rounds of "a load finished, which started another" `updateComplete` waits through. */
const MAX_SETTLE_ROUNDS = 20;

/**
 * Controllers whose work `loaded()` waits for, per element (registered through `addController`).
 * Not a field: decorators such as `@provide` add controllers before an element's fields exist.
 */
const settlingOf = new WeakMap<object, Settling[]>();

/** See the module docs. */
export class StoreElement extends LitElement {
  /** The store to read; wins over `store-uri`, `src` and context. */
  @property({ attribute: false }) store: Store | undefined;

  /** A store URI opened through `openStore` (`idb:edgeflow`, `memory:demo`). */
  @property({ attribute: 'store-uri' }) storeUri: string | undefined;

  /** A bundle URL (`runs.zip`), resolved against the page and opened read-only through `openStore`. */
  @property() src: string | undefined;

  /** `light` or `dark`; unset follows the OS preference (or `--ef-color-scheme`). */
  @property({ reflect: true }) theme: Theme | undefined;

  /** @internal */
  protected readonly _source = new StoreSourceController(this);

  /** The store this element reads now. */
  get resolvedStore(): Store | undefined {
    return this._source.store;
  }

  override addController(controller: ReactiveController): void {
    super.addController(controller);
    if (!isSettling(controller)) return;
    const list = settlingOf.get(this);
    if (list === undefined) settlingOf.set(this, [controller]);
    else list.push(controller);
  }

  /**
   * Resolves when the element shows its data: the store is open, the data is read, and the
   * update that renders it is committed (a chart: drawn). Loads that a result starts in turn
   * (a bundle store that opens, then its runs) are waited for too. Resolves after an error as
   * well, once the error is shown.
   */
  async loaded(): Promise<void> {
    await this.updateComplete;
  }

  /** Lit's `updateComplete`, extended to wait until the data is shown (see {@link StoreElement.loaded}). */
  protected override async getUpdateComplete(): Promise<boolean> {
    let result = await super.getUpdateComplete();
    const settling = settlingOf.get(this) ?? [];
    for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
      await Promise.all(settling.map((c) => c.settled));
      await this._settle();
      if (!this.isUpdatePending && !settling.some((c) => c.busy)) break;
      result = await super.getUpdateComplete();
    }
    return result;
  }

  /** More an element waits for before it counts as loaded, e.g. a chart's draw (default: nothing). */
  protected _settle(): Promise<unknown> {
    return Promise.resolve();
  }

  /** A notice for a store that could not be opened, or that is not there (yet). */
  protected _renderStoreProblem(): TemplateResult | typeof nothing {
    if (this._source.status === 'ERROR') {
      return html`<div class="empty error" part="error" role="alert">Could not open the store: ${errorMessage(this._source.error)}</div>`;
    }
    if (this.resolvedStore === undefined) {
      return html`<div class="empty" part="empty">${this._source.status === 'PENDING' ? 'Opening…' : 'No store connected.'}</div>`;
    }
    return nothing;
  }

  /** Dispatches a composed, bubbling event. */
  protected _fire<T>(type: string, detail: T): boolean {
    return this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true, cancelable: true }));
  }
}
