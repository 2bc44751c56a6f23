/**
 * The theme every element shares: CSS custom properties (`--ef-*`, all optional) resolved into
 * private `--_*` variables with light and dark defaults. The scheme follows the OS
 * (`prefers-color-scheme`) unless `theme="light|dark"` is set on the element, or
 * `--ef-color-scheme` on an ancestor (`<ef-provider theme="dark">` sets it).
 * @module
 */
import { css } from 'lit';

export const themeStyles = css`
  :host {
    color-scheme: var(--ef-color-scheme, light dark);
    --_font: var(--ef-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_mono: var(--ef-font-mono, ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace);
    --_size: var(--ef-font-size, 13px);
    --_bg: var(--ef-bg, light-dark(#ffffff, #15171c));
    --_surface: var(--ef-surface, light-dark(#f6f7f9, #1d2027));
    --_raised: var(--ef-raised, light-dark(#ffffff, #252932));
    --_fg: var(--ef-fg, light-dark(#1d2330, #e3e6ec));
    --_muted: var(--ef-muted, light-dark(#5f6b7c, #9aa4b2));
    --_border: var(--ef-border, light-dark(#dde1e7, #333843));
    --_grid: var(--ef-grid, light-dark(#eceff3, #262a33));
    --_accent: var(--ef-accent, light-dark(#2a64c8, #6ea1ff));
    --_accent-fg: var(--ef-accent-fg, light-dark(#ffffff, #0d1220));
    --_accent-soft: var(--ef-accent-soft, light-dark(#e6efff, #1f2c46));
    --_hover: var(--ef-hover, light-dark(#f1f4f8, #222631));
    --_danger: var(--ef-danger, light-dark(#c62828, #ff7b72));
    --_ok: var(--ef-ok, light-dark(#2e7d32, #7ee787));
    --_warn: var(--ef-warn, light-dark(#b26a00, #f2cc60));
    --_radius: var(--ef-radius, 6px);
    --_row: var(--ef-row-height, 30px);
    --_focus: var(--ef-focus-ring, 0 0 0 2px light-dark(#2f6fdb88, #6ea1ff88));
    display: block;
    box-sizing: border-box;
    font-family: var(--_font);
    font-size: var(--_size);
    color: var(--_fg);
    background: var(--_bg);
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  button,
  select,
  input,
  textarea {
    font: inherit;
    color: inherit;
  }
  button,
  select,
  input[type='text'],
  input[type='search'],
  input:not([type]) {
    background: var(--_raised);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 3px 8px;
    min-height: 26px;
  }
  button {
    cursor: pointer;
  }
  button:hover:not(:disabled) {
    background: var(--_hover);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  button.primary {
    background: var(--_accent);
    color: var(--_accent-fg);
    border-color: var(--_accent);
  }
  button.link {
    background: none;
    border: none;
    padding: 0;
    min-height: 0;
    color: var(--_accent);
    text-align: left;
  }
  button.link:hover {
    text-decoration: underline;
    background: none;
  }
  :focus-visible {
    outline: none;
    box-shadow: var(--_focus);
  }
  .muted {
    color: var(--_muted);
  }
  .error {
    color: var(--_danger);
  }
  .mono {
    font-family: var(--_mono);
  }
  .empty {
    color: var(--_muted);
    padding: 16px;
    text-align: center;
  }
  .swatch {
    display: inline-block;
    width: 10px;
    height: 10px;
    border-radius: 50%;
    flex: none;
  }
  .status {
    font-size: 11px;
    font-weight: 600;
    padding: 1px 6px;
    border-radius: 10px;
    /* The page background, not the surface: the status colours keep a 4.5:1 contrast on it. */
    background: var(--_bg);
    border: 1px solid var(--_border);
  }
  .status.RUNNING {
    color: var(--_accent);
  }
  .status.FINISHED {
    color: var(--_ok);
  }
  .status.FAILED,
  .status.KILLED {
    color: var(--_danger);
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;

/** Colours of the host's theme as concrete CSS colours (for canvas drawing). */
export interface ResolvedTheme {
  readonly fg: string;
  readonly muted: string;
  readonly grid: string;
  readonly border: string;
  readonly bg: string;
}

/**
 * Reads the theme's colours through a probe element: custom properties holding `light-dark()`
 * are not resolved by `getComputedStyle`, properties using them are.
 */
export function resolveTheme(root: ShadowRoot | HTMLElement): ResolvedTheme {
  const probe = document.createElement('span');
  probe.style.cssText =
    'position:absolute;visibility:hidden;color:var(--_fg);background-color:var(--_bg);' +
    'border-top:1px solid var(--_grid);border-bottom:1px solid var(--_border);outline:1px solid var(--_muted)';
  root.appendChild(probe);
  const cs = getComputedStyle(probe);
  const theme = {
    fg: cs.color,
    bg: cs.backgroundColor,
    grid: cs.borderTopColor,
    border: cs.borderBottomColor,
    muted: cs.outlineColor,
  };
  probe.remove();
  return theme;
}
