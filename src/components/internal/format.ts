/**
 * Number, time, duration and key formatting shared by the elements (locale-aware; text and `<wbr>`
 * only, never HTML from data).
 * @module
 */
import { html, type TemplateResult } from 'lit';

const compact = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 6 });

/** A metric value: up to 6 significant digits; NaN and infinities spelled out. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '-∞';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e9 || abs < 1e-4)) return value.toExponential(4);
  return compact.format(value);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A timestamp in ms as a local date and time. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  return dateTime.format(new Date(ms));
}

/** A duration in ms as `1h 02m`, `3m 05s`, `4.2s` or `350ms`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** A byte count as `12 B`, `3.4 KiB`, `1.2 MiB`. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** A run's duration: end − start, or now − start while running. */
export function runDuration(startTime: number, endTime: number | null, now = Date.now()): number {
  return (endTime ?? now) - startTime;
}

/**
 * A key such as `val_accuracy` or `system/js_heap_used_megabytes` with line-break opportunities
 * after `_`, `/`, `.` and `-`, so a narrow column wraps it between its words, not inside one.
 */
export function breakableKey(key: string): TemplateResult {
  const parts = key.split(/(?<=[_/.-])/);
  return html`${parts.map((part, i) => (i === 0 ? part : html`<wbr>${part}`))}`;
}
