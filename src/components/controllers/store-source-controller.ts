/**
 * Finds the store an element reads: the `.store` property, else the store a `store-uri`/`src`
 * attribute opens through `openStore`, else the store of the nearest context provider.
 * @module
 */
import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Store } from '../../core/store.js';
import { openStore } from '../../storage/open-store.js';
import { storeContext } from '../context.js';
import { LoadStatus, type Settling } from './status.js';

/** The element side of {@link StoreSourceController}. */
export interface StoreSourceHost extends ReactiveControllerHost, HTMLElement {
  /** A store given directly; wins over everything else. */
  store: Store | undefined;
  /** A store URI (`idb:edgeflow`, `memory:demo`). */
  storeUri: string | undefined;
  /** A bundle URL (`experiment.zip`), resolved against the document and opened read-only. */
  src: string | undefined;
}

/**
 * The URI `openStore` receives for a `src` attribute: URIs with a scheme pass unchanged
 * (`bundle:…`, `memory:…`, `https://…/runs.zip`), relative paths are resolved against the
 * document, so `src="runs.zip"` becomes `http://host/…/runs.zip`.
 */
export function storeUriOfSrc(src: string, base: string = document.baseURI): string {
  if (/^[a-z][a-z0-9+.-]*:/iu.test(src)) return src;
  return new URL(src, base).href;
}

/** Opens a bundle URL (`openStore` opens `.zip` URLs and `bundle:<url>` as read-only bundle stores). */
async function openSrc(src: string): Promise<Store> {
  return openStore(storeUriOfSrc(src));
}

/**
 * Resolves the host's store and re-renders it when the store changes. `store` is the current
 * store (undefined while opening or when none is set), `error` why opening failed.
 */
export class StoreSourceController implements ReactiveController, Settling {
  /** The store from context, if any. */
  private __fromContext: Store | undefined;
  private __opened: Store | undefined;
  private __openedFor: string | undefined;
  private __opening = 0;
  private __settled: Promise<void> = Promise.resolve();
  /** Status of opening a `store-uri`/`src`; COMPLETE when a store is given by property or context. */
  status: LoadStatus = LoadStatus.INITIAL;
  error: unknown;

  constructor(private readonly host: StoreSourceHost) {
    host.addController(this);
    new ContextConsumer(host, {
      context: storeContext,
      subscribe: true,
      callback: (value) => {
        this.__fromContext = value;
        host.requestUpdate();
      },
    });
  }

  /** Resolves when the store being opened is open (or failed to open). */
  get settled(): Promise<void> {
    return this.__settled;
  }

  /** True while a `store-uri`/`src` is being opened. */
  get busy(): boolean {
    return this.status === LoadStatus.PENDING;
  }

  /**
   * What names the store's view for shared state such as run colours: the `store-uri`/`src` it was
   * opened from (so elements opening the same one agree), else the store object itself.
   */
  get scope(): object | string | undefined {
    const wanted = this.__wanted();
    if (wanted === undefined) return this.store;
    return this.__opened === undefined ? undefined : wanted;
  }

  /** The store the host reads now. */
  get store(): Store | undefined {
    if (this.host.store !== undefined) return this.host.store;
    if (this.__wanted() !== undefined) return this.__opened;
    return this.__fromContext;
  }

  hostUpdate(): void {
    const wanted = this.__wanted();
    if (wanted === this.__openedFor) return;
    this.__openedFor = wanted;
    this.__opened = undefined;
    this.error = undefined;
    if (wanted === undefined) {
      this.status = LoadStatus.INITIAL;
      return;
    }
    const ticket = ++this.__opening;
    this.status = LoadStatus.PENDING;
    const open = wanted.startsWith('src:') ? openSrc(wanted.slice(4)) : openStore(wanted.slice(4));
    this.__settled = open.then(
      (store) => {
        if (ticket !== this.__opening) return;
        this.__opened = store;
        this.status = LoadStatus.COMPLETE;
        this.host.requestUpdate();
      },
      (error: unknown) => {
        if (ticket !== this.__opening) return;
        this.error = error;
        this.status = LoadStatus.ERROR;
        this.host.requestUpdate();
      },
    );
  }

  /** What to open: `uri:<store-uri>` or `src:<url>`, unless a store was given by property. */
  private __wanted(): string | undefined {
    if (this.host.store !== undefined) return undefined;
    if (this.host.storeUri) return `uri:${this.host.storeUri}`;
    if (this.host.src) return `src:${this.host.src}`;
    return undefined;
  }
}
