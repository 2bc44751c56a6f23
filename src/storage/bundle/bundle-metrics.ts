/**
 * A bundle's run metric files, read lazily for {@link BundleStore}: at open only each file's latest
 * point is scanned from its bytes; its history is parsed into columns when asked for, once however
 * many ask at once, and kept in a cache of bounded size. Every read goes through the zip guard and
 * is charged to the bundle's decode budget, as when the whole bundle was parsed at open.
 * @module
 */
import type { Metric } from '../../core/entities.js';
import { asResourceExhausted, metadataCost, METRIC_POINT_BYTES, type DecodeBudget } from '../../core/formats/decode-budget.js';
import { parseMetricFile, type MetricPoints } from '../../core/formats/file-store/metric-file.js';
import { scanLatestMetric } from '../../core/formats/file-store/metric-latest.js';
import { decodeUtf8 } from '../../core/formats/file-store/raw-values.js';
import type { GuardedZip } from '../../core/formats/zip-guard.js';

/** Default {@link BundleMetricsOptions.historyCacheBytes}: 64 MiB, about 2.8 million points. */
export const DEFAULT_HISTORY_CACHE_BYTES = 64 * 1024 ** 2;

/** Options of {@link BundleMetrics}. */
export interface BundleMetricsOptions {
  /** Longest metric line accepted. Default 4096. */
  readonly maxLineLength?: number;
  /** Most bytes of parsed histories kept for the next read. */
  readonly historyCacheBytes?: number;
}

/** Most bytes the columns of a metric file of `size` bytes can take: a point's line has at least 4 bytes (`0 0\n`). */
function columnsBound(size: number): number {
  return Math.ceil(size / 4) * METRIC_POINT_BYTES;
}

/** The run metric files of an open bundle zip, read when asked. */
export class BundleMetrics {
  readonly #zip: GuardedZip;
  readonly #budget: DecodeBudget;
  readonly #maxLineLength: number | undefined;
  readonly #cacheLimit: number;
  /** Parsed or parsing histories by entry. */
  readonly #histories = new Map<string, Promise<MetricPoints>>();
  /** Bytes charged for the columns of each parsed history in the cache, least recently asked for first. */
  readonly #charged = new Map<string, number>();
  #cached = 0;

  constructor(zip: GuardedZip, budget: DecodeBudget, options: BundleMetricsOptions = {}) {
    this.#zip = zip;
    this.#budget = budget;
    this.#maxLineLength = options.maxLineLength;
    this.#cacheLimit = options.historyCacheBytes ?? DEFAULT_HISTORY_CACHE_BYTES;
  }

  /**
   * The latest point of the metric file `entry` (undefined when it has none), scanned from its
   * bytes: the file's bytes and text are charged to the budget while it is read.
   * @throws `INVALID_PARAMETER_VALUE` naming the entry (and line) when it cannot be read;
   * `RESOURCE_EXHAUSTED` past the budget.
   */
  async latest(entry: string, key: string): Promise<Metric | undefined> {
    const cost = metadataCost(entry, this.#zip.get(entry)?.size ?? 0);
    this.#budget.charge(cost, entry, 'the file');
    try {
      return scanLatestMetric(key, await this.#zip.read(entry), entry, { maxLineLength: this.#maxLineLength, budget: this.#budget });
    } catch (error) {
      throw asResourceExhausted(error, entry);
    } finally {
      this.#budget.release(cost);
    }
  }

  /**
   * The points of the metric file `entry`, parsed once however many ask at once, and shared:
   * callers must not change them.
   * @throws `INVALID_PARAMETER_VALUE` naming the entry and line when the file is malformed;
   * `RESOURCE_EXHAUSTED` when its columns do not fit the budget.
   */
  history(entry: string, key: string): Promise<MetricPoints> {
    const known = this.#histories.get(entry);
    if (known !== undefined) {
      const bytes = this.#charged.get(entry);
      if (bytes !== undefined) {
        this.#charged.delete(entry);
        this.#charged.set(entry, bytes);
      }
      return known;
    }
    const parsed = this.#parse(entry, key);
    this.#histories.set(entry, parsed);
    parsed.then(
      (points) => {
        const bytes = points.values.length * METRIC_POINT_BYTES;
        this.#charged.set(entry, bytes);
        this.#cached += bytes;
        this.#evict(this.#cacheLimit, entry);
      },
      () => this.#histories.delete(entry),
    );
    return parsed;
  }

  async #parse(entry: string, key: string): Promise<MetricPoints> {
    const size = this.#zip.get(entry)?.size ?? 0;
    const cost = metadataCost(entry, size);
    // Make room for the file and its largest possible columns by forgetting older histories.
    this.#evict(this.#cached - (this.#budget.used + cost + columnsBound(size) - this.#budget.limit));
    this.#budget.charge(cost, entry, 'the file');
    try {
      const text = decodeUtf8(await this.#zip.read(entry), entry);
      return parseMetricFile(key, text, entry, { maxLineLength: this.#maxLineLength, budget: this.#budget });
    } catch (error) {
      throw asResourceExhausted(error, entry);
    } finally {
      this.#budget.release(cost);
    }
  }

  /** Forgets the least recently asked-for parsed histories until at most `limit` bytes stay cached; `keep` stays. */
  #evict(limit: number, keep?: string): void {
    for (const [entry, bytes] of this.#charged) {
      if (this.#cached <= limit) return;
      if (entry === keep) continue;
      this.#charged.delete(entry);
      this.#histories.delete(entry);
      this.#cached -= bytes;
      this.#budget.release(bytes);
    }
  }
}
