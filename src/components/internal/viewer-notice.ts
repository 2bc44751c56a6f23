/**
 * What `<ef-viewer>` says when it has nothing to show yet: what to do to get something shown.
 * Every message is plain text (sources and errors are untrusted).
 * @module
 */
import { html, type TemplateResult } from 'lit';

/** Where a viewer is: nothing given, opening, failed, an empty store, or showing runs. */
export type ViewerPhase = 'empty' | 'opening' | 'error' | 'no-experiments' | 'ready';

/** The notice of `phase`; `problem` is the source being opened or the error. */
export function renderViewerNotice(phase: ViewerPhase, problem: string): TemplateResult {
  switch (phase) {
    case 'opening':
      return html`<div class="notice" role="status"><p>Opening ${problem}…</p></div>`;
    case 'error':
      return html`<div class="notice error" role="alert">
        <p>${problem}</p>
        <p class="muted">Check that the link points to an edgeflow or MLflow zip bundle, or drop a zip here.</p>
      </div>`;
    case 'no-experiments':
      return html`<div class="notice"><p>This store has no experiments yet. Log runs with the tracking API, or drop a zip bundle here.</p></div>`;
    default:
      return html`<div class="notice"><p>Drop an experiment zip here, or choose one with “Open zip…”.</p>
        <p class="muted">Pages give the viewer <code>src="experiment.zip"</code>, <code>store-uri</code> or a store.</p></div>`;
  }
}
