/**
 * The base of every `ef-*` element that reads a store: the `.store` property, the `store-uri`
 * and `src` attributes, the store from context, and the `theme` attribute.
 * @module
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { Store } from '../../core/store.js';
import { StoreSourceController } from '../controllers/store-source-controller.js';
import { errorMessage } from '../controllers/status.js';

/** Colour scheme of an element: unset follows `prefers-color-scheme`. */
export type Theme = 'light' | 'dark';

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
