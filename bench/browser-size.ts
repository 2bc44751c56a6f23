/**
 * What each package costs in the one-file browser build: every byte of the minified file is
 * charged to the source its source map points at (packages by name, edgeflow by folder), and each
 * share of the gzipped size is estimated by gzipping that source's bytes apart.
 * `npx tsx bench/browser-size.ts dist/browser/edgeflow.js` prints the table; `bench/browser.ts` reports it.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes one line of a source map's `mappings`: [generated column, source index] per segment. */
function segments(line: string, state: { source: number }): [number, number][] {
  const out: [number, number][] = [];
  let column = 0;
  for (const segment of line.split(',')) {
    if (segment === '') continue;
    const fields: number[] = [];
    let value = 0;
    let shift = 0;
    for (const ch of segment) {
      const digit = B64.indexOf(ch);
      value += (digit & 31) << shift;
      if (digit & 32) shift += 5;
      else {
        fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = 0;
        shift = 0;
      }
    }
    column += fields[0]!;
    if (fields.length > 1) state.source += fields[1]!;
    out.push([column, fields.length > 1 ? state.source : -1]);
  }
  return out;
}

/** The group a source path belongs to: `zod`, `@lit-labs/virtualizer`, `edgeflow:core/search`, … */
export function groupOf(source: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/u.exec(source);
  if (pkg) return pkg[1]!;
  const own = /(?:^|\/)src\/(.*)\/[^/]*$/u.exec(source);
  return own ? `edgeflow:${own[1]}` : 'edgeflow:(root)';
}

/** Bytes of `file` per group of sources (raw, and gzip of each group's bytes on its own), largest first. */
export async function costByGroup(file: string): Promise<{ group: string; raw: number; gzip: number }[]> {
  const code = await readFile(file, 'utf8');
  const map = JSON.parse(await readFile(`${file}.map`, 'utf8')) as { sources: string[]; mappings: string };
  const text = new Map<string, string[]>();
  const lines = code.split('\n');
  const state = { source: 0 };
  map.mappings.split(';').forEach((mapping, i) => {
    const line = lines[i] ?? '';
    const segs = segments(mapping, state);
    let start = 0;
    let group = 'unmapped';
    for (const [column, source] of segs) {
      (text.get(group) ?? text.set(group, []).get(group)!).push(line.slice(start, column));
      start = column;
      group = source < 0 ? 'unmapped' : groupOf(map.sources[source] ?? '');
    }
    (text.get(group) ?? text.set(group, []).get(group)!).push(`${line.slice(start)}\n`);
  });
  return [...text]
    .map(([group, parts]) => {
      const joined = parts.join('');
      return { group, raw: Buffer.byteLength(joined), gzip: gzipSync(joined, { level: 9 }).length };
    })
    .sort((a, b) => b.raw - a.raw);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.argv[2] !== undefined) {
  for (const { group, raw, gzip } of await costByGroup(process.argv[2])) console.log(String(raw).padStart(8), String(gzip).padStart(7), group);
}
