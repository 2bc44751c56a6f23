/**
 * `exportReport`: one self-contained HTML file that shows runs read-only when opened straight
 * from disk (`file://`), offline, with no server: the viewer's JavaScript is inlined in a
 * `<script type="module">` and the data in a `<script type="application/json">`; the page loads
 * the data into a `MemoryStore`.
 *
 * Every user string (names, params, tags, notes) is data: it reaches the page only inside the JSON
 * block, escaped so that no `</script>` or `<!--` can end or change it, and the elements render it
 * as text. A Content-Security-Policy forbids any network access and any script but the inlined one.
 * @module
 */
import type { Store } from '../core/store.js';
import { REPORT_DATA_ID, collectReportData, type ReportData, type ReportSelection } from './report-data.js';

/** Options of {@link exportReport}. */
export interface ExportReportOptions extends ReportSelection {
  /**
   * The viewer bundle (`dist/viewer/report.js`, built by `npm run build`). Default: read from the
   * installed package (Node only). Pass it when exporting from a browser or from a custom build.
   */
  readonly viewerScript?: string;
}

/** JSON that is safe inside `<script type="application/json">`: no `<`, `>`, `&`, U+2028/2029 characters. */
export function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * JavaScript that is safe inside `<script>`: `</script` and `<!--` (which would end the element or
 * switch the HTML tokenizer into its escaped states) become `\x3C/script` and `\x3C!--`, which mean
 * the same inside the string, template and regular-expression literals where a bundle holds them.
 */
export function scriptForHtml(code: string): string {
  return code.replace(/<(\/script|!--)/giu, '\\x3C$1');
}

/** Text safe in HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (c) => `&#${c.charCodeAt(0)};`);
}

const CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  'img-src data: blob:',
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** The report page for `data` with the viewer bundle `viewerScript`. */
export function renderReport(data: ReportData, viewerScript: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="edgeflow exportReport">`,
    `<title>${escapeHtml(data.title)}</title>`,
    '</head>',
    '<body>',
    '<div id="app"></div>',
    `<script type="application/json" id="${REPORT_DATA_ID}">${jsonForHtml(data)}</script>`,
    `<script type="module">${scriptForHtml(viewerScript)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Reads the viewer bundle shipped in the package (`dist/viewer/report.js`). */
export async function loadViewerScript(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const url = new URL('../viewer/report.js', import.meta.url);
  try {
    return await readFile(url, 'utf8');
  } catch (error) {
    throw new Error(`The report viewer bundle is missing (${url.pathname}); build it with \`npm run build\`, or pass options.viewerScript.`, { cause: error });
  }
}

/**
 * One self-contained HTML page showing the selected runs read-only, from `file://`, offline.
 * @param store Any store (a file store, IndexedDB, a bundle, a tracking server).
 * @returns The HTML text (UTF-8); write it to a `.html` file.
 * @throws `RESOURCE_DOES_NOT_EXIST` for a selected experiment or run that does not exist
 * @example
 * ```ts
 * const html = await exportReport(await FileStore.open('./mlruns'), { experimentIds: ['1234'], title: 'Sweep 3' });
 * await writeFile('report.html', html);
 * ```
 */
export async function exportReport(store: Store, options: ExportReportOptions = {}): Promise<string> {
  const data = await collectReportData(store, options);
  return renderReport(data, options.viewerScript ?? (await loadViewerScript()));
}
