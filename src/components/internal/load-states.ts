/**
 * What an element shows while its data loads, and when loading failed: the same words and the
 * same way to try again in every element.
 * @module
 */
import { html, type TemplateResult } from 'lit';
import { errorMessage } from '../controllers/status.js';

/** "Loading the runs…" while `what` loads. */
export function renderLoading(what: string): TemplateResult {
  return html`<div class="empty" part="loading" role="status">Loading ${what}…</div>`;
}

/** Why `what` could not be loaded, and a button that loads it again. */
export function renderLoadError(what: string, error: unknown, retry: () => unknown): TemplateResult {
  return html`<div class="empty error" part="error" role="alert">
    <p>Could not load ${what}: ${errorMessage(error)}</p>
    <button @click=${() => void retry()}>Retry</button>
  </div>`;
}
