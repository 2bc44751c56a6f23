/**
 * comlink's `"throw"` transfer handler, replaced so that errors cross a worker boundary intact.
 *
 * comlink's built-in handler keeps only `name`, `message` and `stack` and rebuilds a plain `Error`
 * (GoogleChromeLabs/comlink#594), which would turn a worker-side `RESOURCE_DOES_NOT_EXIST` into an
 * anonymous failure. This module swaps in a handler that sends {@link EdgeflowError.toJSON} and
 * rebuilds the same class, code, message, details and stack on the other side; the `cause` travels
 * as a short `{name, message}` summary (platform errors such as `DOMException` do not always clone).
 *
 * Importing this module installs the handler (idempotent); both the worker and the page import it.
 * @module
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { EdgeflowError, type EdgeflowErrorJSON } from '../../core/errors.js';

/** What a thrown value looks like on the wire. */
export type WireThrown =
  | { readonly kind: 'edgeflow'; readonly error: EdgeflowErrorJSON; readonly cause?: WireCause }
  | { readonly kind: 'error'; readonly name: string; readonly message: string; readonly stack?: string; readonly cause?: WireCause }
  | { readonly kind: 'value'; readonly value: unknown };

/** A summary of an error's `cause`. */
export interface WireCause {
  readonly name: string;
  readonly message: string;
}

/** The value comlink hands the `"throw"` handler: the thrown value under `value`. */
interface Thrown {
  readonly value: unknown;
}

function causeOf(error: Error): WireCause | undefined {
  const cause: unknown = error.cause;
  if (cause === undefined || cause === null) return undefined;
  if (typeof cause === 'object' && 'message' in cause) {
    const name = 'name' in cause && typeof cause.name === 'string' ? cause.name : 'Error';
    return { name, message: String(cause.message) };
  }
  return { name: 'Error', message: String(cause) };
}

function causeError(cause: WireCause | undefined): Error | undefined {
  if (cause === undefined) return undefined;
  const error = new Error(cause.message);
  error.name = cause.name;
  return error;
}

/** Turns a thrown value into a structured-cloneable description. Never throws. */
export function serializeThrown(value: unknown): WireThrown {
  if (value instanceof EdgeflowError) {
    let json = value.toJSON();
    try {
      structuredClone(json.details);
    } catch {
      json = { ...json, details: { unserializable: true } };
    }
    const cause = causeOf(value);
    return cause === undefined ? { kind: 'edgeflow', error: json } : { kind: 'edgeflow', error: json, cause };
  }
  if (value instanceof Error) {
    const cause = causeOf(value);
    return {
      kind: 'error',
      name: value.name,
      message: value.message,
      ...(value.stack === undefined ? {} : { stack: value.stack }),
      ...(cause === undefined ? {} : { cause }),
    };
  }
  try {
    structuredClone(value);
    return { kind: 'value', value };
  } catch {
    return { kind: 'value', value: String(value) };
  }
}

/** Rebuilds the thrown value from {@link serializeThrown} output. */
export function deserializeThrown(wire: WireThrown): unknown {
  switch (wire.kind) {
    case 'edgeflow': {
      const error = EdgeflowError.fromJSON(wire.error);
      const cause = causeError(wire.cause);
      if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause, configurable: true, writable: true });
      return error;
    }
    case 'error': {
      const cause = causeError(wire.cause);
      const error = new Error(wire.message, cause === undefined ? undefined : { cause });
      error.name = wire.name;
      if (wire.stack !== undefined) error.stack = wire.stack;
      return error;
    }
    case 'value':
      return wire.value;
    default: {
      const unreachable: never = wire;
      return unreachable;
    }
  }
}

const original = transferHandlers.get('throw') as TransferHandler<Thrown, unknown> | undefined;

/** The replacement `"throw"` handler (exported for tests). */
export const throwHandler: TransferHandler<Thrown, WireThrown> = {
  // comlink marks thrown values with a private symbol; its own guard is the only way to test for it.
  canHandle: (value: unknown): value is Thrown => original?.canHandle(value) ?? false,
  serialize: ({ value }) => [serializeThrown(value), []],
  deserialize: (wire) => {
    throw deserializeThrown(wire);
  },
};

/** Installs {@link throwHandler} as comlink's `"throw"` handler. Called on import; safe to repeat. */
export function installTransferHandlers(): void {
  transferHandlers.set('throw', throwHandler as TransferHandler<unknown, unknown>);
}

installTransferHandlers();
