/**
 * The column choices of `<ef-run-table>` (visible columns in order, and widths), remembered in
 * `localStorage` per store and experiment, so a reload shows the table as it was left. What is
 * read back is checked: a damaged or foreign entry is ignored, never trusted.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { z } from 'zod';

/** Narrowest and widest a column can be made, in px. */
export const MIN_COLUMN_WIDTH = 48;
export const MAX_COLUMN_WIDTH = 1200;

/** Column choices of one experiment's table. */
export interface ColumnLayout {
  /** Visible column ids in order; absent = the defaults. */
  readonly columns?: readonly string[];
  /** Widths in px by column id; absent ids have their default width. */
  readonly widths: Readonly<Record<string, number>>;
}

const layoutSchema = z.object({
  columns: z.array(z.string().max(1000)).max(5000).optional(),
  widths: z.record(z.string().max(1000), z.number().int().min(MIN_COLUMN_WIDTH).max(MAX_COLUMN_WIDTH)),
});

const EMPTY: ColumnLayout = { widths: {} };
const PREFIX = 'edgeflow.run-table.v1';

/**
 * A name of the store that survives a reload: the `store-uri`/`src` it was opened from (a string
 * scope), else an IndexedDB store's database name or a REST store's URL. Undefined for stores that
 * do not survive a reload anyway (in memory, a dropped file).
 */
export function storeIdentity(scope: object | string | undefined): string | undefined {
  if (typeof scope === 'string') return scope;
  if (scope === undefined) return undefined;
  const { baseUrl, name } = scope as { baseUrl?: unknown; name?: unknown };
  if (typeof baseUrl === 'string') return `rest:${baseUrl}`;
  if (typeof name === 'string') return `idb:${name}`;
  return undefined;
}

function read(key: string): ColumnLayout {
  try {
    const text = localStorage.getItem(key);
    if (text === null) return EMPTY;
    const parsed = layoutSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : EMPTY;
  } catch {
    return EMPTY; // storage blocked, or not JSON
  }
}

function write(key: string, layout: ColumnLayout): void {
  try {
    localStorage.setItem(key, JSON.stringify(layout));
  } catch {
    // Storage blocked or full: the choice holds for this page only.
  }
}

/** Whose table a layout is: the store's identity (undefined: not remembered across reloads) and the experiments. */
export interface LayoutScope {
  readonly store: string | undefined;
  readonly experiments: readonly string[];
}

/** See the module docs. */
export class ColumnPrefs implements ReactiveController {
  /** Layouts of stores without an identity: kept while the element lives. */
  readonly #unsaved = new Map<string, ColumnLayout>();
  #key: string | undefined;
  #remember = false;
  #layout: ColumnLayout = EMPTY;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly scope: () => LayoutScope | undefined,
  ) {
    host.addController(this);
  }

  /** The layout of the table shown now. */
  get layout(): ColumnLayout {
    this.#sync();
    return this.#layout;
  }

  hostUpdate(): void {
    this.#sync();
  }

  /** Changes the layout; `remember: false` keeps it in memory only (during a drag). */
  update(patch: Partial<ColumnLayout>, remember = true): void {
    this.#sync();
    this.#layout = { ...this.#layout, ...patch };
    if (this.#key !== undefined) {
      if (!this.#remember) this.#unsaved.set(this.#key, this.#layout);
      else if (remember) write(this.#key, this.#layout);
    }
    this.host.requestUpdate();
  }

  #sync(): void {
    const scope = this.scope();
    const key = scope === undefined ? undefined : `${PREFIX}:${JSON.stringify([scope.store ?? '', ...scope.experiments])}`;
    if (key === this.#key) return;
    this.#key = key;
    this.#remember = scope?.store !== undefined;
    this.#layout = key === undefined ? EMPTY : this.#remember ? read(key) : (this.#unsaved.get(key) ?? EMPTY);
  }
}
