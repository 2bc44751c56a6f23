/**
 * Raw value files (params, tags) and `meta.yaml` entries: the bytes and their strict UTF-8 reading.
 * @module
 */
import { parseYaml, type ParseYamlOptions } from '../yaml-dialect.js';
import { fail } from './fields.js';

const UTF8_ENCODER = new TextEncoder();
const UTF8_DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A raw value file: the exact UTF-8 bytes of the value, no newline added. */
export function encodeRawValue(value: string): Uint8Array {
  return UTF8_ENCODER.encode(value);
}

/**
 * Decodes UTF-8 text strictly (a BOM is kept as U+FEFF, as Python's `utf-8` codec does).
 * @throws `INVALID_PARAMETER_VALUE` naming `where` when the bytes are not UTF-8.
 */
export function decodeUtf8(bytes: Uint8Array, where: string): string {
  try {
    return UTF8_DECODER.decode(bytes);
  } catch {
    fail(where, 'not valid UTF-8.');
  }
}

/**
 * Limits of a `meta.yaml`: MLflow writes them with PyYAML from fresh dicts, so they never hold
 * anchors or aliases, and even an experiment's stale `tags:` mapping stays far below 256 KiB.
 */
const META_YAML_LIMITS: ParseYamlOptions = { maxAliases: 0, maxLength: 256 * 1024 };

/** Decodes a UTF-8 `meta.yaml` and reads it (no anchors or aliases, at most 256 KiB); an empty file reads as null. */
export function readYamlEntry(bytes: Uint8Array, where: string): unknown {
  let text = decodeUtf8(bytes, where);
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  return parseYaml(text, where, META_YAML_LIMITS);
}
