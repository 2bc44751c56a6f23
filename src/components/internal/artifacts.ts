/**
 * How an artifact is previewed, decided from its name (and, for unknown names, by sniffing the
 * bytes). Untrusted content is never rendered as markup: images are shown through `<img>` from a
 * blob URL whose MIME type we set (raster formats only; SVG can carry script), HTML/SVG/XML are
 * shown as source text, everything else as text or a table.
 * @module
 */

/** The kind of preview. */
export type PreviewKind = 'image' | 'text' | 'json' | 'table' | 'source' | 'binary';

/** Raster image MIME types by extension; SVG is deliberately absent. */
export const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
};

const TEXT_EXTENSIONS = new Set([
  'txt', 'log', 'yaml', 'yml', 'md', 'markdown', 'py', 'js', 'mjs', 'ts', 'toml', 'ini', 'cfg', 'conf', 'sh',
  'r', 'sql', 'rst', 'properties', 'env', 'text', 'lock', 'dockerfile', 'gitignore', 'jsonl', 'ndjson',
]);
/** Markup that must never be rendered live: shown as escaped source. */
const SOURCE_EXTENSIONS = new Set(['html', 'htm', 'xhtml', 'svg', 'svgz', 'xml', 'mhtml', 'shtml', 'xht', 'xsl']);
const TEXT_NAMES = new Set(['MLmodel', 'MLproject', 'requirements.txt', 'Dockerfile', 'LICENSE', 'README']);

/** Previews read at most this many bytes (MLflow's viewer stops at 50 MiB; text beyond 2 MiB is unreadable anyway). */
export const MAX_PREVIEW_BYTES = 2 * 1024 * 1024;
/** Tables show at most this many rows. */
export const MAX_TABLE_ROWS = 500;

/** The file name of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The lower-case extension of a path, or ''. */
export function extensionOf(path: string): string {
  const name = baseName(path);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The preview kind from the name alone (`binary` means "sniff the bytes"). */
export function previewKindOf(path: string): PreviewKind {
  const name = baseName(path);
  const ext = extensionOf(path);
  if (SOURCE_EXTENSIONS.has(ext)) return 'source';
  if (Object.prototype.hasOwnProperty.call(IMAGE_TYPES, ext)) return 'image';
  if (ext === 'csv' || ext === 'tsv') return 'table';
  if (ext === 'json') return 'json';
  if (TEXT_NAMES.has(name) || TEXT_EXTENSIONS.has(ext)) return 'text';
  return 'binary';
}

/** True when bytes look like UTF-8 text (no NUL, decodes without errors). */
export function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 4096);
  if (sample.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.length === bytes.length ? sample : trimPartial(sample));
    return true;
  } catch {
    return false;
  }
}

/** Drops a trailing, cut-off UTF-8 sequence so a sample decodes. */
function trimPartial(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  let back = 0;
  while (end > 0 && back < 4 && (bytes[end - 1]! & 0xc0) === 0x80) {
    end--;
    back++;
  }
  if (end > 0 && bytes[end - 1]! >= 0xc0) end--;
  return bytes.subarray(0, end);
}

/** Decodes (a prefix of) bytes as UTF-8 text; `truncated` tells when the preview limit cut it. */
export function decodeText(bytes: Uint8Array): { text: string; truncated: boolean } {
  const truncated = bytes.length > MAX_PREVIEW_BYTES;
  const slice = truncated ? trimPartial(bytes.subarray(0, MAX_PREVIEW_BYTES)) : bytes;
  return { text: new TextDecoder().decode(slice), truncated };
}

/** JSON pretty-printed when it parses, else the text as is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
