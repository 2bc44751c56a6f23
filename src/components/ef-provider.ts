/**
 * `<ef-provider>`: gives a store to every `ef-*` element inside it through Lit context.
 * @module
 */
import { ContextProvider } from '@lit/context';
import { LitElement, css, html, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { Store } from '../core/store.js';
import { storeContext } from './context.js';
import { StoreSourceController } from './controllers/store-source-controller.js';
import { errorMessage } from './controllers/status.js';
import type { Theme } from './internal/store-element.js';

/**
 * Provides a store to descendants: set `.store`, or `store-uri="idb:edgeflow"`, or
 * `src="runs.zip"` (opened read-only through `openStore`). `theme` sets the colour scheme of
 * every element inside.
 *
 * @slot - The elements that read the store.
 * @csspart error - Shown when the store could not be opened.
 * @cssprop --ef-color-scheme - Colour scheme for descendants (`light`, `dark`, `light dark`).
 *
 * @customElement ef-provider
 */
export class StoreProvider extends LitElement {
  static override styles = css`
    :host {
      display: contents;
    }
    :host([theme='light']) {
      --ef-color-scheme: light;
    }
    :host([theme='dark']) {
      --ef-color-scheme: dark;
    }
    .error {
      color: #c62828;
      font: 13px system-ui, sans-serif;
    }
  `;

  /** The store to provide; wins over `store-uri` and `src`. */
  @property({ attribute: false }) store: Store | undefined;

  /** A store URI opened through `openStore`. */
  @property({ attribute: 'store-uri' }) storeUri: string | undefined;

  /** A bundle URL opened read-only through `openStore`. */
  @property() src: string | undefined;

  /** `light` or `dark` for every element inside; unset follows the OS. */
  @property({ reflect: true }) theme: Theme | undefined;

  private readonly _source = new StoreSourceController(this);
  private readonly _provider = new ContextProvider(this, { context: storeContext, initialValue: undefined });

  /** The store provided now. */
  get resolvedStore(): Store | undefined {
    return this._source.store;
  }


  protected override updated(): void {
    const store = this._source.store;
    if (this._provider.value !== store) this._provider.setValue(store);
  }

  protected override render(): TemplateResult {
    return html`${this._source.status === 'ERROR'
        ? html`<div class="error" part="error" role="alert">Could not open the store: ${errorMessage(this._source.error)}</div>`
        : ''}<slot></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ef-provider': StoreProvider;
  }
}
