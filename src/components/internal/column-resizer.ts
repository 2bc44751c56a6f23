/**
 * The handle on the right edge of a run table header cell that resizes its column: drag it with
 * a pointer, or focus it and press ←/→ (Shift for bigger steps), as a focusable ARIA separator.
 * @module
 */
import { html, type TemplateResult } from 'lit';
import { MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH } from './column-prefs.js';

/** Pixels per arrow key press, and with Shift. */
const STEP = 10;
const BIG_STEP = 50;

/** Receives a column's new width; `done` when a drag ends or a key was pressed (time to remember it). */
export type ResizeHandler = (width: number, done: boolean) => void;

function clampWidth(width: number): number {
  return Math.round(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, width)));
}

/** The resize handle of a column `label` that is `width` px wide. */
export function renderResizer(label: string, width: number, onResize: ResizeHandler): TemplateResult {
  const onPointerDown = (down: PointerEvent): void => {
    if (down.button !== 0) return;
    down.preventDefault();
    down.stopPropagation();
    const handle = down.currentTarget as HTMLElement;
    handle.setPointerCapture(down.pointerId);
    const startX = down.clientX;
    const move = (e: PointerEvent): void => onResize(clampWidth(width + e.clientX - startX), false);
    const up = (e: PointerEvent): void => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
      handle.removeEventListener('pointercancel', up);
      onResize(clampWidth(width + e.clientX - startX), true);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
    handle.addEventListener('pointercancel', up);
  };
  const onKeyDown = (e: KeyboardEvent): void => {
    const step = e.shiftKey ? BIG_STEP : STEP;
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    e.stopPropagation();
    onResize(clampWidth(width + (e.key === 'ArrowRight' ? step : -step)), true);
  };
  return html`<span
    class="resizer"
    role="separator"
    aria-orientation="vertical"
    aria-label=${`Resize column ${label}`}
    aria-valuenow=${width}
    aria-valuemin=${MIN_COLUMN_WIDTH}
    aria-valuemax=${MAX_COLUMN_WIDTH}
    tabindex="0"
    title="Drag, or focus and press ←/→, to resize"
    @pointerdown=${onPointerDown}
    @click=${(e: Event) => e.stopPropagation()}
    @keydown=${onKeyDown}
  ></span>`;
}
