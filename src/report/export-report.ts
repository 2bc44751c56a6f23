/**
 * `exportReport`: one self-contained HTML file that shows runs read-only in `<ef-viewer>` when
 * opened straight from disk (`file://`), offline, with no server: the viewer's JavaScript is
 * inlined in a `<script type="module">`, the runs (with their artifacts, up to a size) as a base64
 * zip bundle in a `<script type="application/octet-stream">`, and what was left out in a
 * `<script type="application/json">`.
 *
 * Every user string (names, params, tags, notes, artifacts) is data: it reaches the page only
 * inside the base64 bundle or the escaped JSON block, so no `</script>` or `<!--` can end or change
 * them, and the elements render it as text. A Content-Security-Policy forbids any network access
 * and any script but the inlined one.
 * @module
 */
import type { Store } from '../core/store.js';
import { REPORT_BUNDLE_ID, REPORT_INFO_ID, bytesToBase64, collectReport, type ReportContent, type ReportOptions } from './report-bundle.js';

/** Options of {@link exportReport}. */
export interface ExportReportOptions extends ReportOptions {
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

/** The report page for `content` with the viewer bundle `viewerScript`. */
export function renderReport(content: ReportContent, viewerScript: string): string {
  const { info, bundle } = content;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="edgeflow exportReport">`,
    `<title>${escapeHtml(info.title)}</title>`,
    '<style>body { margin: 0; font: 14px system-ui, sans-serif; }</style>',
    '</head>',
    '<body>',
    `<script type="application/json" id="${REPORT_INFO_ID}">${jsonForHtml(info)}</script>`,
    `<script type="application/octet-stream" id="${REPORT_BUNDLE_ID}">${bytesToBase64(bundle)}</script>`,
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
 * One self-contained HTML page showing the selected runs read-only, with their artifacts (up to
 * `maxBytes`, 25 MiB by default), from `file://`, offline.
 * @param store Any store (a file store, IndexedDB, a bundle, a tracking server).
 * @returns The HTML text (UTF-8); write it to a `.html` file.
 * @throws `RESOURCE_DOES_NOT_EXIST` for a selected experiment or run that does not exist;
 * `RESOURCE_EXHAUSTED` with `oversize: 'refuse'` when the artifacts exceed `maxBytes`;
 * `INVALID_PARAMETER_VALUE` for bad options
 * @example
 * ```ts
 * const html = await exportReport(await FileStore.open('./mlruns'), { experimentIds: ['1234'], title: 'Sweep 3', maxBytes: 10e6 });
 * await writeFile('report.html', html);
 * ```
 */
export async function exportReport(store: Store, options: ExportReportOptions = {}): Promise<string> {
  const content = await collectReport(store, options);
  return renderReport(content, options.viewerScript ?? (await loadViewerScript()));
}
