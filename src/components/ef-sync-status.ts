/**
 * `<ef-sync-status>`: where a live mirror (`mirrorTo`) is, sized for a toolbar.
 * @module
 */
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { MirrorState, MirrorStatus, MirrorStatusSource } from '../storage/mirror/contract.js';
import type { Theme } from './internal/store-element.js';
import { themeStyles } from './internal/theme.js';

/** The word each state shows (`online` with items pending shows "Sending"). */
const STATE_WORDS: Readonly<Record<MirrorState, string>> = {
  starting: 'Starting',
  standby: 'Standby',
  online: 'Online',
  offline: 'Offline',
  failed: 'Failed',
  stopped: 'Stopped',
};

/** A mirror that can be told to leave `failed` (a `Mirror` from `mirrorTo` can). */
interface Retryable {
  retry(): void;
}

function isRetryable(source: MirrorStatusSource): source is MirrorStatusSource & Retryable {
  return typeof (source as Partial<Retryable>).retry === 'function';
}

/** A span of time in whole seconds, minutes or hours: `4s`, `3m`, `2h`. */
function shortSpan(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  return `${Math.floor(seconds / 3600)}h`;
}

/**
 * Shows a mirror's {@link MirrorStatus}: its state as a word and a coloured dot, what is pending,
 * when it retries (a countdown while offline), when the server last acknowledged a write, and the
 * last error (as plain text). A failed mirror gets a "Retry" button that calls `mirror.retry()`.
 * Updates on the mirror's `status` events; the state and pending count are announced politely
 * (`role="status"`).
 *
 * @csspart dot - The coloured state dot.
 * @csspart state - The state word and what is pending.
 * @csspart error - The last error message.
 * @csspart retry - The "Retry" button.
 * @cssprop --ef-sync-status-error-width - Widest the error message gets before it is cut (default 24em).
 *
 * @customElement ef-sync-status
 */
export class SyncStatus extends LitElement {
  static override styles = [
    themeStyles,
    css`
      :host {
        display: inline-flex;
        align-items: center;
        gap: 8px;
        max-width: 100%;
        padding: 2px 4px;
        background: transparent;
        white-space: nowrap;
        vertical-align: middle;
      }
      .dot {
        display: inline-block;
        width: 9px;
        height: 9px;
        border-radius: 50%;
        flex: none;
        background: var(--_muted);
      }
      .dot.online {
        background: var(--_ok);
      }
      .dot.sending {
        background: var(--_accent);
      }
      .dot.offline {
        background: var(--_warn);
      }
      .dot.failed {
        background: var(--_danger);
      }
      .state {
        display: inline-flex;
        gap: 6px;
        align-items: center;
      }
      .word {
        font-weight: 600;
      }
      .error {
        overflow: hidden;
        text-overflow: ellipsis;
        max-width: var(--ef-sync-status-error-width, 24em);
      }
      button {
        min-height: 22px;
        padding: 1px 8px;
      }
    `,
  ];

  /** The mirror to show (`mirrorTo`'s result, or any {@link MirrorStatusSource}). */
  @property({ attribute: false }) mirror: MirrorStatusSource | undefined;

  /** `light` or `dark`; unset follows the OS preference (or `--ef-color-scheme`). */
  @property({ reflect: true }) theme: Theme | undefined;

  @state() private _status: MirrorStatus | undefined;
  @state() private _now = Date.now();
  #listening: MirrorStatusSource | undefined;
  #ticker: ReturnType<typeof setInterval> | undefined;
  readonly #onStatus = (): void => {
    this._status = this.#listening?.status;
    this.requestUpdate(); // a source may report a mutated status object
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen(this.mirror);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#listen(undefined);
    this.#setTicking(false);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('mirror') && this.isConnected) this.#listen(this.mirror);
    this._now = Date.now();
  }

  protected override updated(): void {
    const status = this._status;
    const timed = status !== undefined && (status.lastSentAt !== undefined || (status.state === 'offline' && status.retryAt !== undefined));
    this.#setTicking(timed && this.isConnected);
  }

  protected override render(): TemplateResult {
    const status = this._status;
    if (this.mirror === undefined || status === undefined) {
      return html`<span class="dot" part="dot"></span><span class="state muted" part="state" role="status" aria-live="polite">Not mirroring</span>`;
    }
    const sending = status.state === 'online' && status.pending > 0;
    const word = sending ? 'Sending' : STATE_WORDS[status.state];
    const dot = sending ? 'sending' : status.state;
    return html`
      <span class="dot ${dot}" part="dot"></span>
      <span class="state" part="state" role="status" aria-live="polite">
        <span class="word">${word}</span>
        ${this.#detail(status)}
      </span>
      ${this.#countdown(status)}
      ${this.#lastSent(status)}
      ${status.lastError === undefined
        ? nothing
        : html`<span class="error" part="error" title=${status.lastError.message}>${status.lastError.message}</span>`}
      ${status.state === 'failed' && isRetryable(this.mirror)
        ? html`<button type="button" part="retry" @click=${() => this.#retry()}>Retry</button>`
        : nothing}
    `;
  }

  /** What is pending, or why nothing is sent from here. */
  #detail(status: MirrorStatus): TemplateResult | typeof nothing {
    if (status.state === 'standby') return html`<span class="muted">another tab is sending</span>`;
    if (status.pending > 0) return html`<span>${status.pending} pending</span>`;
    if (status.state === 'online') return html`<span class="muted">caught up</span>`;
    return nothing;
  }

  /** The retry countdown while offline. */
  #countdown(status: MirrorStatus): TemplateResult | typeof nothing {
    if (status.state !== 'offline' || status.retryAt === undefined) return nothing;
    const left = status.retryAt - this._now;
    return html`<span class="muted">${left > 500 ? `retrying in ${shortSpan(left)}` : 'retrying now'}</span>`;
  }

  /** When the server last acknowledged a write. */
  #lastSent(status: MirrorStatus): TemplateResult | typeof nothing {
    if (status.lastSentAt === undefined) return nothing;
    return html`<span class="muted">last sent ${shortSpan(this._now - status.lastSentAt)} ago</span>`;
  }

  #retry(): void {
    const mirror = this.mirror;
    if (mirror !== undefined && isRetryable(mirror)) mirror.retry();
  }

  /** Follows `source`'s `status` events (and stops following the previous one). */
  #listen(source: MirrorStatusSource | undefined): void {
    if (this.#listening !== source) {
      this.#listening?.removeEventListener('status', this.#onStatus);
      source?.addEventListener('status', this.#onStatus);
      this.#listening = source;
    }
    this._status = source?.status;
  }

  /** Re-renders once a second while a countdown or an "ago" is shown. */
  #setTicking(on: boolean): void {
    if (on && this.#ticker === undefined) this.#ticker = setInterval(() => this.requestUpdate(), 1000);
    if (!on && this.#ticker !== undefined) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ef-sync-status': SyncStatus;
  }
}
