/**
 * The layout of `<ef-artifact-browser>`: the file tree beside the preview pane (above it on a phone), the preview's
 * bar, text, image and table previews, the markup notice and the "Register model" form.
 * @module
 */
import { css } from 'lit';

export const artifactBrowserStyles = css`
  :host {
    display: grid;
    grid-template-columns: minmax(160px, 32%) 1fr;
    height: var(--ef-artifact-height, 360px);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  :host([empty]) {
    display: block;
    height: auto;
  }
  .tree {
    overflow: auto;
    border-right: 1px solid var(--_border);
    background: var(--_surface);
    padding: 4px 0;
  }
  /* A phone: the tree above the preview, each the full width. */
  @media (max-width: 560px) {
    :host {
      grid-template-columns: minmax(0, 1fr);
      grid-template-rows: minmax(0, 2fr) minmax(0, 3fr);
      height: var(--ef-artifact-height, 480px);
    }
    .tree {
      border-right: none;
      border-bottom: 1px solid var(--_border);
    }
  }
  .node {
    display: flex;
    align-items: center;
    gap: 6px;
    width: 100%;
    border: none;
    border-radius: 0;
    background: none;
    padding: 3px 8px;
    min-height: 0;
    text-align: left;
    white-space: nowrap;
  }
  .node[aria-selected='true'] {
    background: var(--_accent-soft);
  }
  .node .name {
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .node .size {
    margin-left: auto;
    color: var(--_muted);
    font-size: 11px;
  }
  .preview {
    overflow: auto;
    display: flex;
    flex-direction: column;
    min-width: 0;
  }
  .bar {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 6px 10px;
    border-bottom: 1px solid var(--_border);
    position: sticky;
    top: 0;
    background: var(--_bg);
  }
  .bar .path {
    font-family: var(--_mono);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    margin-right: auto;
  }
  pre {
    margin: 0;
    padding: 10px;
    font-family: var(--_mono);
    font-size: 12px;
    white-space: pre-wrap;
    word-break: break-word;
  }
  img {
    max-width: 100%;
    max-height: 100%;
    object-fit: contain;
    margin: 10px;
    align-self: flex-start;
    background: repeating-conic-gradient(var(--_surface) 0 25%, transparent 0 50%) 0 0 / 16px 16px;
  }
  .notice {
    margin: 8px 10px 0;
    padding: 6px 8px;
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_warn);
  }
  table {
    border-collapse: collapse;
    margin: 8px;
    font-size: 12px;
  }
  td,
  th {
    border: 1px solid var(--_border);
    padding: 2px 6px;
    text-align: left;
    max-width: 280px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  th {
    background: var(--_surface);
  }
  form.register {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px;
    padding: 8px 12px;
    border-top: 1px solid var(--_border);
  }
  details.yaml summary {
    cursor: pointer;
    padding: 6px 12px;
  }
`;
