/**
 * What `<ef-viewer>` says when it has nothing to show yet: what to do to get something shown.
 * Every message is plain text (sources and errors are untrusted).
 * @module
 */
import { html, nothing, type TemplateResult } from 'lit';

/** Where a viewer is: nothing given, opening, failed, an empty store, or showing runs. */
export type ViewerPhase = 'empty' | 'opening' | 'error' | 'no-experiments' | 'ready';

/** A source being opened: its name, and how many runs were read from it so far. */
export interface OpeningProgress {
  readonly label: string;
  readonly runsRead: number;
}

/** `n` of `noun`, singular for one ("1 run", "3 runs"). */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The progress of an open: a busy bar, the source, and the runs read so far. */
export function renderOpening({ label, runsRead }: OpeningProgress): TemplateResult {
  return html`<div class="opening" part="progress">
    <progress aria-label=${`Opening ${label}`}></progress>
    <p role="status">Opening ${label}…${runsRead > 0 ? ` ${countOf(runsRead, 'run')} read` : ''}</p>
  </div>`;
}

/** What the last open did: `Opened x.zip: …`, or why it failed while the previous view stayed. */
export interface OpenOutcome {
  readonly ok: boolean;
  readonly message: string;
}

/** Above a shown view: the progress of a source opening over it, else the last open's outcome with a way to dismiss it. */
export function renderOutcome(opening: OpeningProgress | undefined, outcome: OpenOutcome | undefined, dismiss: () => void): TemplateResult | typeof nothing {
  if (opening !== undefined) return renderOpening(opening);
  if (outcome === undefined) return nothing;
  return html`<div class="outcome ${outcome.ok ? '' : 'error'}" part="outcome" role=${outcome.ok ? 'status' : 'alert'}>
    <span>${outcome.message}</span>
    <button class="link" @click=${dismiss}>Dismiss</button>
  </div>`;
}

/** The notice of `phase`; `problem` is the error, `opening` the progress of the source being opened. */
export function renderViewerNotice(phase: ViewerPhase, problem: string, opening?: OpeningProgress): TemplateResult {
  switch (phase) {
    case 'opening':
      return html`<div class="notice">${renderOpening(opening ?? { label: problem, runsRead: 0 })}</div>`;
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
