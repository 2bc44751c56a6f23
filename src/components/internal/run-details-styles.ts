/**
 * Styles of `<ef-run-details>`, and the section headings and key/value tables it shares with the
 * elements shown inside it (`<ef-run-lineage>`).
 * @module
 */
import { css } from 'lit';

/** Section headings and key/value tables of the run-detail elements. */
export const detailTableStyles = css`
  h3 {
    font-size: 13px;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--_muted);
    margin: 12px 0 6px;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  td,
  th {
    text-align: left;
    padding: 3px 8px;
    border-bottom: 1px solid var(--_border);
    vertical-align: top;
    overflow-wrap: anywhere;
  }
  th {
    color: var(--_muted);
    font-weight: 500;
  }
`;

/** Styles of `<ef-run-details>` (after {@link detailTableStyles}). */
export const runDetailsStyles = css`
      :host {
        padding: 12px 16px;
      }
      header {
        display: flex;
        align-items: center;
        gap: 10px;
        flex-wrap: wrap;
        margin-bottom: 8px;
      }
      h2 {
        font-size: 18px;
        margin: 0;
        overflow-wrap: anywhere;
      }
      h3 {
        margin-top: 18px;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 3px 14px;
        margin: 0;
      }
      dt {
        color: var(--_muted);
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      td,
      th {
        vertical-align: middle;
      }
      td.key {
        font-family: var(--_mono);
        width: 35%;
        /* Wrap at the <wbr> between a key's words; inside a word only when one word is wider than the column. */
        overflow-wrap: break-word;
      }
      td.num {
        font-variant-numeric: tabular-nums;
      }
      .note {
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        padding: 4px 12px;
        background: var(--_surface);
        overflow-wrap: anywhere;
      }
      .note img {
        max-width: 100%;
      }
      .note pre {
        overflow: auto;
      }
      .note a {
        color: var(--_accent);
      }
      ul.children {
        margin: 0;
        padding-left: 18px;
      }
      .toggle {
        margin-left: 8px;
        font-size: 12px;
      }
      ef-artifact-browser {
        margin-top: 4px;
      }
  .title {
    display: inline-flex;
    align-items: center;
    gap: 8px;
    min-width: 0;
  }
  th {
    white-space: nowrap;
  }
  .actions {
    display: inline-flex;
    gap: 6px;
    margin-left: auto;
  }
  form.inline {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px;
  }
  form.inline input {
    min-width: 0;
  }
  header form.inline input {
    font-size: 16px;
    width: min(360px, 60vw);
  }
  button.danger {
    background: var(--_danger);
    border-color: var(--_danger);
    color: var(--_accent-fg);
  }
  button.small {
    min-height: 0;
    padding: 0 6px;
    font-size: 12px;
  }
  td.row-actions {
    white-space: nowrap;
    width: 1%;
  }
  .locked {
    margin: 0 0 6px;
    font-size: 12px;
  }
  .edit-error {
    color: var(--_danger);
    font-size: 12px;
    margin: 4px 0;
  }
  .add-tag,
  form.new-tag {
    margin-top: 6px;
  }
  .tabs {
    display: inline-flex;
    gap: 4px;
    margin-bottom: 6px;
  }
  .tabs button[aria-pressed='true'] {
    border-color: var(--_accent);
    color: var(--_accent);
  }
  textarea {
    display: block;
    width: 100%;
    min-height: 140px;
    resize: vertical;
    font-family: var(--_mono);
    background: var(--_raised);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 6px 8px;
  }
  .note-editor .buttons {
    display: flex;
    gap: 6px;
    margin-top: 6px;
  }
`;
