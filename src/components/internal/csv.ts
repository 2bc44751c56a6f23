/**
 * CSV writing and reading. Writing guards against formula injection (CWE-1236): a cell that
 * starts with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'` so spreadsheets
 * show it as text; numbers are written as numbers. Reading is RFC 4180 (quotes, escaped quotes,
 * newlines in quoted fields) for previews of CSV/TSV artifacts.
 * @module
 */

/** A cell value. */
export type CsvCell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/u;

/** One cell, quoted when needed and neutralised when it could be read as a formula. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    return String(value);
  }
  let text = value;
  if (FORMULA_START.test(text)) text = `'${text}`;
  if (/[",\n\r]/u.test(text)) text = `"${text.replace(/"/gu, '""')}"`;
  return text;
}

/** Rows to CSV text (CRLF line ends, as RFC 4180). */
export function toCsv(rows: Iterable<readonly CsvCell[]>): string {
  const lines: string[] = [];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** Parses delimited text into rows; stops after `maxRows` rows. */
export function parseDelimited(text: string, delimiter = ',', maxRows = Infinity): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  const n = text.length;
  while (i < n && rows.length < maxRows) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === delimiter) {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else cell += c;
    i++;
  }
  if ((cell !== '' || row.length > 0) && rows.length < maxRows) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** Starts a download of `data` named `filename` (always as a file, never opened in the page). */
export function downloadBlob(data: Blob | string, filename: string, type = 'application/octet-stream'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from user text: only safe characters, at most 100 of them. */
export function safeFilename(text: string, fallback = 'export'): string {
  const cleaned = text.replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^[._]+/u, '').slice(0, 100);
  return cleaned === '' ? fallback : cleaned;
}
