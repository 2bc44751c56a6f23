/**
 * The platform's own raw-deflate decoder (`DecompressionStream('deflate-raw')`: browsers, workers,
 * Node 20.12+), for the zip guard's large entries: several times faster than inflating in
 * JavaScript, and read chunk by chunk, so a zip bomb is stopped at its declared size.
 * @internal
 * @module
 */

let supported: boolean | undefined;

/** True when the platform decodes raw deflate natively. */
export function hasNativeInflate(): boolean {
  if (supported === undefined) {
    try {
      new DecompressionStream('deflate-raw');
      supported = true;
    } catch {
      supported = false;
    }
  }
  return supported;
}

/**
 * Inflates raw deflate data into `out`, stopping (and cancelling the decoder) at the first chunk
 * that would pass its end. Returns the bytes written, and whether the data inflates past `out`.
 * @throws the platform's error when the data is not valid deflate.
 */
export async function inflateNatively(compressed: Uint8Array, out: Uint8Array): Promise<{ readonly written: number; readonly over: boolean }> {
  const decoder = new DecompressionStream('deflate-raw');
  const writer = decoder.writable.getWriter();
  // Their failures are the reader's too (corrupt data), reported there.
  writer.write(compressed as Uint8Array<ArrayBuffer>).catch(() => undefined);
  writer.close().catch(() => undefined);
  const reader = decoder.readable.getReader();
  let written = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { written, over: false };
    if (written + value.length > out.length) {
      await reader.cancel().catch(() => undefined);
      return { written, over: true };
    }
    out.set(value, written);
    written += value.length;
  }
}
