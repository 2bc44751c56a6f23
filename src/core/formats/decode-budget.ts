/**
 * Memory accounting for decoding an untrusted archive: a {@link DecodeBudget} is charged, before
 * anything is allocated, with what decoding will hold (inflated text, metric columns, parsed
 * JSON), and {@link asResourceExhausted} turns the engine's own out-of-memory errors into
 * `RESOURCE_EXHAUSTED`, so a plain `RangeError` never reaches the caller.
 * @module
 */
import { EdgeflowError, isEdgeflowError } from '../errors.js';

/** Bytes a decoded metric point holds: timestamp, value and step as float64 columns. */
export const METRIC_POINT_BYTES = 24;

/**
 * What reading an archive file of `size` inflated bytes is charged up front: its bytes and its
 * text (JSON eight times, for its parsed objects), plus 256 bytes.
 */
export function metadataCost(path: string, size: number): number {
  return 256 + size * (path.endsWith('.json') ? 8 : 2);
}

/** A running total of decoded memory with a hard limit. */
export class DecodeBudget {
  #used = 0;

  /** @param limit most bytes decoding may hold; `option` names the setting that raises it. */
  constructor(
    readonly limit: number,
    readonly option = 'maxDecodedBytes',
  ) {}

  /** Bytes charged so far. */
  get used(): number {
    return this.#used;
  }

  /**
   * Charges `bytes` for decoding `what` from `entry`.
   * @throws `RESOURCE_EXHAUSTED` naming the entry when the total would pass the limit.
   */
  /**
   * Gives back `bytes` charged for something decoding no longer holds (a metric file's bytes and
   * text once its points are in columns).
   */
  release(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }

  charge(bytes: number, entry: string, what: string): void {
    this.#used += bytes;
    if (this.#used > this.limit) {
      throw new EdgeflowError(
        'RESOURCE_EXHAUSTED',
        `${entry}: decoding ${what} takes the bundle past ${this.limit} bytes of decoded data (limit ${this.option}; raise it to read larger bundles).`,
        { details: { entry, limit: this.limit } },
      );
    }
  }
}

const OUT_OF_MEMORY = /invalid (typed )?array length|array buffer allocation failed|invalid string length|out of memory|allocation failed|maximum call stack/iu;

/**
 * The error to throw for `error` raised while decoding `what`: an engine out-of-memory error
 * (`RangeError: Invalid array length`, `Array buffer allocation failed`, a string too long, a
 * stack overflow) becomes `RESOURCE_EXHAUSTED`; anything else is returned as it is.
 */
export function asResourceExhausted(error: unknown, what: string): unknown {
  if (isEdgeflowError(error) || !(error instanceof Error)) return error;
  if (!(error instanceof RangeError) && !OUT_OF_MEMORY.test(error.message)) return error;
  return new EdgeflowError('RESOURCE_EXHAUSTED', `Not enough memory to decode ${what}: ${error.message}.`, { cause: error });
}
