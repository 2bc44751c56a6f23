/**
 * The layout of `<ef-viewer>`: a header, the experiment list beside (or, when narrow, above) the
 * main column, and in it the run table, a grid of charts whose rows grow to each chart's content
 * (so charts and legends never overlap), and the details / compare / models tabs.
 * @module
 */
import { css } from 'lit';

export const viewerStyles = css`
  :host {
    container-type: inline-size;
    position: relative;
    min-width: 0;
  }
  :host([theme='light']) {
    --ef-color-scheme: light;
  }
  :host([theme='dark']) {
    --ef-color-scheme: dark;
  }
  .shell {
    display: grid;
    grid-template-columns: minmax(180px, 240px) minmax(0, 1fr);
    grid-template-areas: 'head head' 'nav main';
    align-items: start;
  }
  header {
    grid-area: head;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 12px;
    padding: 8px 16px;
    border-bottom: 1px solid var(--_border);
  }
  header h1 {
    font-size: 16px;
    margin: 0;
    overflow-wrap: anywhere;
  }
  header .spacer {
    flex: 1;
  }
  nav {
    grid-area: nav;
    min-width: 0;
    border-right: 1px solid var(--_border);
    align-self: stretch;
  }
  main {
    grid-area: main;
    min-width: 0;
    padding: 12px 16px;
    display: flex;
    flex-direction: column;
    gap: 16px;
  }
  ::slotted([slot='notice']) {
    margin: 0;
    padding: 8px 12px;
    border: 1px solid var(--_warn);
    border-radius: var(--_radius);
    overflow-wrap: anywhere;
  }
  ef-run-table {
    --ef-run-table-height: 360px;
  }
  .charts {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 340px), 1fr));
    align-items: start;
    gap: 12px;
  }
  .charts ef-metric-chart {
    min-width: 0;
  }
  .tabs {
    display: flex;
    gap: 4px;
    border-bottom: 1px solid var(--_border);
    margin-bottom: 8px;
  }
  .tabs button {
    border-radius: var(--_radius) var(--_radius) 0 0;
    border-bottom: none;
  }
  .tabs button[aria-selected='true'] {
    background: var(--_accent-soft);
    font-weight: 600;
  }
  .notice {
    padding: 24px 16px;
    color: var(--_muted);
    text-align: center;
  }
  .notice.error {
    color: var(--_danger);
  }
  .notice p {
    margin: 0 0 12px;
    overflow-wrap: anywhere;
  }
  .opening {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: 10px;
  }
  .opening p {
    margin: 0;
  }
  .outcome {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 4px 12px;
    padding: 6px 12px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow-wrap: anywhere;
  }
  .outcome.error {
    border-color: var(--_danger);
    color: var(--_danger);
  }
  .drop {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    border: 2px dashed var(--_accent);
    background: color-mix(in srgb, var(--_bg) 85%, transparent);
    font-size: 16px;
    pointer-events: none;
    z-index: 5;
  }
  input[type='file'] {
    display: none;
  }
  @container (max-width: 720px) {
    .shell {
      grid-template-columns: minmax(0, 1fr);
      grid-template-areas: 'head' 'nav' 'main';
    }
    nav {
      border-right: none;
      border-bottom: 1px solid var(--_border);
      max-height: 220px;
      overflow: auto;
    }
    main {
      padding: 8px;
    }
  }
`;
