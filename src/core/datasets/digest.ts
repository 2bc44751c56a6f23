/**
 * Dataset digests as MLflow computes them (`mlflow/data/digest_utils.py`; mlflow3-models-and-inputs.md
 * §2.2): pandas' element hash (`hash_array`), NumPy's digest for arrays and pandas' digest for a
 * table, each the first 8 hex characters of an MD5 over little-endian 64-bit words.
 *
 * Host byte order is assumed little-endian (typed arrays are read as their bytes, so NaN payloads and
 * `-0` hash as NumPy hashes them).
 * @module
 */
import { md5Hex } from './md5.js';
import type { NamedArrays, NdArray, NumericTypedArray } from './ndarray.js';
import { siphash24 } from './siphash.js';

const MASK = (1n << 64n) - 1n;
/** pandas' default `hash_key`. */
const HASH_KEY = new TextEncoder().encode('0123456789123456');
/** MLflow hashes at most this many elements of an array, or rows of a table. */
export const MAX_HASHED_ROWS = 10_000;

/** pandas' final mixing of a 64-bit value (`_hash_ndarray`). */
function mix(value: bigint): bigint {
  let v = value;
  v ^= v >> 30n;
  v = (v * 0xbf58476d1ce4e5b9n) & MASK;
  v ^= v >> 27n;
  v = (v * 0x94d049bb133111ebn) & MASK;
  return v ^ (v >> 31n);
}

const encoder = new TextEncoder();

/** Raw bits of each of the first `count` elements, zero-extended from the element's own width. */
function rawBits(array: NdArray, count: number): bigint[] {
  if (array.dtype === 'str') {
    return (array.values as readonly string[]).slice(0, count).map((s) => siphash24(HASH_KEY, encoder.encode(s)));
  }
  const typed = array.values as NumericTypedArray;
  const view = new DataView(typed.buffer, typed.byteOffset, typed.byteLength);
  const width = typed.BYTES_PER_ELEMENT;
  const out: bigint[] = [];
  for (let i = 0; i < Math.min(count, typed.length); i++) {
    const at = i * width;
    if (width === 8) out.push(view.getBigUint64(at, true));
    else if (width === 4) out.push(BigInt(view.getUint32(at, true)));
    else if (width === 2) out.push(BigInt(view.getUint16(at, true)));
    else out.push(BigInt(view.getUint8(at)));
  }
  return out;
}

/** pandas' `hash_array` of the first `count` elements. */
export function hashElements(array: NdArray, count = array.values.length): bigint[] {
  return rawBits(array, count).map(mix);
}

/** Collects little-endian 64-bit words and byte strings for the MD5. */
class DigestInput {
  readonly #parts: Uint8Array[] = [];

  words(values: readonly bigint[]): void {
    const bytes = new Uint8Array(values.length * 8);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setBigUint64(i * 8, BigInt.asUintN(64, v), true));
    this.#parts.push(bytes);
  }

  text(value: string): void {
    this.#parts.push(encoder.encode(value));
  }

  /** `get_normalized_md5_digest`: the first 8 hex characters. */
  digest(): string {
    const total = this.#parts.reduce((n, p) => n + p.length, 0);
    const all = new Uint8Array(total);
    let offset = 0;
    for (const part of this.#parts) {
      all.set(part, offset);
      offset += part.length;
    }
    return md5Hex(all).slice(0, 8);
  }
}

/**
 * MLflow's NumPy digest (`compute_numpy_digest`): for the features then the targets (named arrays
 * in sorted name order), the hashes of the first 10,000 flattened elements, then each dimension.
 */
export function numpyDigest(features: NamedArrays, targets?: NamedArrays): string {
  const input = new DigestInput();
  const sorted = (arrays: NamedArrays): NdArray[] => [...arrays].sort((a, b) => byCodePoint(a.name ?? '', b.name ?? '')).map((a) => a.array);
  for (const array of [...sorted(features), ...(targets ? sorted(targets) : [])]) {
    input.words(hashElements(array, MAX_HASHED_ROWS));
    input.words(array.shape.map((d) => BigInt(d)));
  }
  return input.digest();
}

/** A table column as pandas holds it; `hashed` columns are the ones MLflow's digest keeps. */
export interface HashedColumn {
  readonly name: string;
  /** Numeric and all-string columns; null for the ones MLflow leaves out (bool, lists, mixed). */
  readonly array: NdArray | null;
  /** True for an all-string column (decides the column order with numeric ones). */
  readonly isString: boolean;
}

/** Python's string order (code points). */
function byCodePoint(a: string, b: string): number {
  const [x, y] = [[...a], [...b]];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** pandas' `combine_hash_arrays` of one row's column hashes. */
function combine(hashes: readonly bigint[]): bigint {
  let out = 0x345678n;
  let mult = 1000003n;
  const n = hashes.length;
  hashes.forEach((h, i) => {
    out = ((out ^ h) * mult) & MASK;
    mult = (mult + BigInt(82520 + 2 * (n - i))) & MASK;
  });
  return (out + 97531n) & MASK;
}

/**
 * MLflow's pandas digest (`compute_pandas_digest`): row hashes of the kept columns and the
 * RangeIndex over the first 10,000 rows, the full row count, then every column name.
 */
export function pandasDigest(columns: readonly HashedColumn[], rowCount: number): string {
  const kept = columns.filter((c) => c.array !== null);
  const mixedKinds = kept.some((c) => c.isString) && kept.some((c) => !c.isString);
  const ordered = mixedKinds ? [...kept].sort((a, b) => byCodePoint(a.name, b.name)) : kept;
  const rows = Math.min(rowCount, MAX_HASHED_ROWS);
  const index: NdArray = { dtype: 'int64', shape: [rows], values: BigInt64Array.from({ length: rows }, (_, i) => BigInt(i)) };
  const perColumn = [...ordered.map((c) => hashElements(c.array!, rows)), hashElements(index)];
  const input = new DigestInput();
  input.words(Array.from({ length: rows }, (_, row) => combine(perColumn.map((hashes) => hashes[row]!))));
  input.words([BigInt(rowCount)]);
  for (const column of columns) input.text(column.name);
  return input.digest();
}
