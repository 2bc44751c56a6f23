/**
 * Reading an artifact for its preview: the bytes, what kind of preview they get, and for an
 * `MLmodel` the parsed model with its input example. No rendering here (see ef-artifact-browser).
 * @module
 */
import type { RunId } from '../../core/ids.js';
import { parseMLmodel, type MLModel } from '../../core/formats/mlmodel.js';
import type { Store } from '../../core/store.js';
import { throwIfAborted } from '../controllers/status.js';
import { IMAGE_TYPES, MAX_TABLE_ROWS, baseName, decodeText, extensionOf, looksLikeText, prettyJson, previewKindOf } from './artifacts.js';
import { parseDelimited } from './csv.js';
import { inputExamplePath } from './mlmodel-view.js';

/** A loaded preview. */
export type Preview =
  | { readonly kind: 'image'; readonly path: string; readonly bytes: Uint8Array; readonly url: string }
  | { readonly kind: 'text' | 'source'; readonly path: string; readonly bytes: Uint8Array; readonly text: string; readonly truncated: boolean }
  | { readonly kind: 'table'; readonly path: string; readonly bytes: Uint8Array; readonly rows: string[][]; readonly truncated: boolean }
  | { readonly kind: 'binary'; readonly path: string; readonly bytes: Uint8Array }
  | { readonly kind: 'model'; readonly path: string; readonly bytes: Uint8Array; readonly text: string; readonly model: MLModel; readonly inputExample?: string };

/** Makes the URL an image preview is shown from (a blob URL the element revokes later). */
export type ImageUrlMaker = (bytes: Uint8Array, type: string) => string;

/** Reads `path` of a run and makes its preview. */
export async function loadPreview(store: Store, runId: RunId, path: string, signal: AbortSignal, imageUrl: ImageUrlMaker): Promise<Preview> {
  const bytes = await store.getArtifact(runId, path);
  throwIfAborted(signal);
  if (baseName(path) === 'MLmodel') {
    const model = await loadModelPreview(store, runId, path, bytes);
    throwIfAborted(signal);
    if (model !== undefined) return model;
  }
  let kind = previewKindOf(path);
  if (kind === 'binary' && looksLikeText(bytes)) kind = 'text';
  switch (kind) {
    case 'image': {
      const type = IMAGE_TYPES[extensionOf(path)] ?? 'application/octet-stream';
      return { kind, path, bytes, url: imageUrl(bytes, type) };
    }
    case 'json': {
      const { text, truncated } = decodeText(bytes);
      return { kind: 'text', path, bytes, text: truncated ? text : prettyJson(text), truncated };
    }
    case 'text':
    case 'source':
      return { kind, path, bytes, ...decodeText(bytes) };
    case 'table': {
      const { text } = decodeText(bytes);
      const rows = parseDelimited(text, extensionOf(path) === 'tsv' ? '\t' : ',', MAX_TABLE_ROWS + 2);
      return { kind, path, bytes, rows: rows.slice(0, MAX_TABLE_ROWS + 1), truncated: rows.length > MAX_TABLE_ROWS + 1 };
    }
    case 'binary':
      return { kind, path, bytes };
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

/** The model view of an `MLmodel` file and its input example; undefined when it does not parse (shown as text). */
export async function loadModelPreview(store: Store, runId: RunId, path: string, bytes: Uint8Array): Promise<Preview | undefined> {
  const { text, truncated } = decodeText(bytes);
  if (truncated) return undefined;
  let model: MLModel;
  try {
    model = parseMLmodel(text, path);
  } catch {
    return undefined;
  }
  const examplePath = inputExamplePath(model);
  const folder = path.slice(0, path.length - 'MLmodel'.length);
  const example =
    examplePath === undefined
      ? undefined
      : await store.getArtifact(runId, `${folder}${examplePath}`).then(
          (b) => {
            const decoded = decodeText(b);
            return decoded.truncated ? `${decoded.text}\n…` : prettyJson(decoded.text);
          },
          () => undefined,
        );
  return { kind: 'model', path, bytes, text, model, ...(example === undefined ? {} : { inputExample: example }) };
}
