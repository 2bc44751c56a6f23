/**
 * PNG and CSV export of a chart. Labels (run names, keys: user text) are drawn with
 * `fillText` or written as CSV cells with formula guards, never parsed as markup.
 * @module
 */
import type uPlot from 'uplot';
import { toCsv, type CsvCell } from '../internal/csv.js';
import type { ResolvedTheme } from '../internal/theme.js';
import type { SeriesSlot } from './chart-data.js';

/** A legend entry for exports. */
export interface ExportLabel {
  readonly text: string;
  readonly color: string;
}

/** The plot's canvas with a background and a legend below, as a PNG blob. */
export async function chartPng(plot: uPlot, labels: readonly ExportLabel[], theme: ResolvedTheme, title: string): Promise<Blob> {
  const source = plot.ctx.canvas;
  const ratio = source.width / Math.max(1, plot.width);
  const lineHeight = 18 * ratio;
  const titleHeight = title === '' ? 0 : 26 * ratio;
  const canvas = document.createElement('canvas');
  canvas.width = source.width;
  canvas.height = titleHeight + source.height + lineHeight * labels.length + 8 * ratio;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = theme.bg;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.textBaseline = 'middle';
  if (title !== '') {
    ctx.fillStyle = theme.fg;
    ctx.font = `600 ${14 * ratio}px system-ui, sans-serif`;
    ctx.fillText(title, 10 * ratio, titleHeight / 2, canvas.width - 20 * ratio);
  }
  ctx.drawImage(source, 0, titleHeight);
  ctx.font = `${12 * ratio}px system-ui, sans-serif`;
  labels.forEach((label, i) => {
    const y = titleHeight + source.height + lineHeight * (i + 0.5) + 4 * ratio;
    ctx.fillStyle = label.color;
    ctx.fillRect(10 * ratio, y - 2 * ratio, 14 * ratio, 4 * ratio);
    ctx.fillStyle = theme.fg;
    ctx.fillText(label.text, 30 * ratio, y, canvas.width - 40 * ratio);
  });
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob === null ? reject(new Error('The chart could not be encoded as PNG.')) : resolve(blob)), 'image/png');
  });
}

/** The aligned data as CSV: x, then one column per uPlot series. */
export function chartCsv(data: uPlot.AlignedData, slots: readonly SeriesSlot[], xLabel: string, slotLabel: (slot: SeriesSlot) => string): string {
  const header: CsvCell[] = [xLabel, ...slots.map(slotLabel)];
  const xs = data[0] as ArrayLike<number>;
  const n = xs.length;
  function* rows(): Generator<CsvCell[]> {
    yield header;
    for (let i = 0; i < n; i++) {
      const row: CsvCell[] = [xs[i]!];
      for (let s = 1; s < data.length; s++) {
        const v = (data[s] as ArrayLike<number | null | undefined>)[i];
        row.push(v ?? null);
      }
      yield row;
    }
  }
  return toCsv(rows());
}
