/**
 * Turning the image kinds users have into encoded bytes for `logImage`.
 * @module
 */
import { EdgeflowError } from './errors.js';

/** An image `logImage` accepts: encoded PNG/JPEG bytes, or pixels to encode as PNG (browsers). */
export type ImageInput = Blob | Uint8Array | ImageDataLike | CanvasLike | HtmlCanvasLike;

/** The shape of `ImageData`. */
export interface ImageDataLike {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** RGBA bytes, row by row. */
  readonly data: Uint8ClampedArray;
}

/** A canvas that can encode itself (`OffscreenCanvas`). */
export interface CanvasLike {
  /** Encodes the canvas (asked for `image/png`). */
  convertToBlob(options?: { type?: string }): Promise<Blob>;
}

/** A canvas element (`HTMLCanvasElement`). */
export interface HtmlCanvasLike {
  /** Encodes the canvas (asked for `image/png`). */
  toBlob(callback: (blob: Blob | null) => void, type?: string): void;
}

interface OffscreenCanvasCtor {
  new (width: number, height: number): CanvasLike & {
    getContext(kind: '2d'): { putImageData(data: unknown, x: number, y: number): void } | null;
  };
}

/** Encoded image bytes for `input`. */
export async function encodeImage(input: ImageInput): Promise<Uint8Array | Blob> {
  if (input instanceof Uint8Array) return input;
  if (typeof Blob !== 'undefined' && input instanceof Blob) return input;
  if (typeof (input as CanvasLike).convertToBlob === 'function') return (input as CanvasLike).convertToBlob({ type: 'image/png' });
  const htmlCanvas = input as Partial<HtmlCanvasLike>;
  if (typeof htmlCanvas.toBlob === 'function') {
    const canvas = input as HtmlCanvasLike;
    return new Promise((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(EdgeflowError.invalidParameterValue('logImage: the canvas could not be encoded.'))), 'image/png'),
    );
  }
  const pixels = input as ImageDataLike;
  if (pixels.data instanceof Uint8ClampedArray && Number.isInteger(pixels.width) && Number.isInteger(pixels.height)) {
    const Offscreen = (globalThis as { OffscreenCanvas?: OffscreenCanvasCtor }).OffscreenCanvas;
    if (Offscreen === undefined) {
      throw EdgeflowError.invalidParameterValue('logImage: raw pixels need OffscreenCanvas to encode; pass PNG/JPEG bytes instead.', { details: { field: 'image' } });
    }
    const canvas = new Offscreen(pixels.width, pixels.height);
    canvas.getContext('2d')?.putImageData(pixels, 0, 0);
    return canvas.convertToBlob({ type: 'image/png' });
  }
  throw EdgeflowError.invalidParameterValue('logImage: expected a Blob, Uint8Array, ImageData or canvas.', { details: { field: 'image' } });
}
