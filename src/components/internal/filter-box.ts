/**
 * The filter box of `<ef-run-table>`: what is typed is checked against MLflow's filter grammar
 * after a pause in typing or on Enter, never on every keystroke, and applied when it parses. A
 * filter that does not parse is shown with the error at its position, and the host is told that
 * its rows are stale.
 * @module
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { EdgeflowError } from '../../core/errors.js';
import { parseRunFilter } from '../../core/search/index.js';
import { errorMessage } from '../controllers/status.js';

/** How long typing must pause before the filter is checked and applied, in ms. */
export const FILTER_PAUSE_MS = 300;

function validate(text: string): EdgeflowError | undefined {
  if (text.trim() === '') return undefined;
  try {
    parseRunFilter(text);
    return undefined;
  } catch (error) {
    return error instanceof EdgeflowError ? error : new EdgeflowError('INVALID_PARAMETER_VALUE', errorMessage(error));
  }
}

/** See the module docs. */
export class FilterBox implements ReactiveController {
  #draft: string | undefined;
  #error: EdgeflowError | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: {
      /** The filter applied now. */
      readonly applied: () => string;
      /** Applies a filter that parses. */
      readonly apply: (filter: string) => void;
    },
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
  }

  /** The error of the text in the box, once checked. */
  get error(): EdgeflowError | undefined {
    return this.#error;
  }

  /** Forgets the draft (the filter was set from outside). */
  reset(): void {
    clearTimeout(this.#timer);
    this.#draft = undefined;
    this.#error = undefined;
  }

  /** Checks the text now and applies it when it parses; otherwise keeps it with its error. */
  commit(text: string): void {
    clearTimeout(this.#timer);
    this.#error = validate(text);
    this.#draft = this.#error === undefined ? undefined : text;
    this.host.requestUpdate();
    if (this.#error === undefined && text !== this.options.applied()) this.options.apply(text);
  }

  #onInput = (e: Event): void => {
    const text = (e.target as HTMLInputElement).value;
    this.#draft = text;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.commit(text), FILTER_PAUSE_MS);
  };

  #onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'Enter') this.commit((e.target as HTMLInputElement).value);
    if (e.key === 'Escape') this.commit('');
  };

  /** The input, and the error under it (`shownError`: the box's own, or the store's for the applied filter). */
  render(shownError: unknown): TemplateResult {
    const text = this.#draft ?? this.options.applied();
    return html`<div class="filter">
      <input
        type="search"
        part="filter"
        aria-label="Filter runs"
        placeholder="metrics.acc > 0.9 and params.lr = '0.01'"
        spellcheck="false"
        .value=${text}
        aria-invalid=${shownError === undefined ? 'false' : 'true'}
        aria-describedby=${shownError === undefined ? nothing : 'filter-error'}
        @input=${this.#onInput}
        @keydown=${this.#onKeyDown}
      />
      ${shownError === undefined ? nothing : renderFilterError(shownError, text)}
    </div>`;
  }
}

function renderFilterError(error: unknown, text: string): TemplateResult {
  const details = error instanceof EdgeflowError ? error.details : undefined;
  const position = typeof details?.['position'] === 'number' ? Math.min(details['position'], text.length) : undefined;
  const length = Math.max(1, typeof details?.['length'] === 'number' ? details['length'] : 0);
  return html`<div class="filter-error" id="filter-error" part="filter-error" role="alert">
    ${errorMessage(error)} Not applied: the dimmed runs are those of the last filter that worked.
    ${position === undefined
      ? nothing
      : html`<div class="where">${text.slice(0, position)}<mark>${text.slice(position, position + length) || ' '}</mark>${text.slice(position + length)}</div>`}
  </div>`;
}
