import { expect, it } from 'vitest';
import { TrackingClient } from '../../src/core/client.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

it('encodes ImageData, OffscreenCanvas and canvas elements as PNG', async () => {
  const client = new TrackingClient(new MemoryStore());
  const run = await client.startRun();
  const pixels = new ImageData(new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 0, 0, 0, 0]), 2, 2);
  const offscreen = new OffscreenCanvas(3, 3);
  offscreen.getContext('2d')!.fillRect(0, 0, 3, 3);
  const element = document.createElement('canvas');
  element.width = 4;
  element.height = 4;
  await run.logImage(pixels, 'pixels.png');
  await run.logImage(offscreen, 'offscreen.png');
  await run.logImage(element, 'element.png');
  for (const [path, size] of [['pixels.png', 2], ['offscreen.png', 3], ['element.png', 4]] as const) {
    const bytes = await client.downloadArtifact(run.runId, path);
    expect([...bytes.slice(0, 8)], path).toEqual(PNG_SIGNATURE);
    const bitmap = await createImageBitmap(new Blob([bytes.slice()], { type: 'image/png' }));
    expect([bitmap.width, bitmap.height], path).toEqual([size, size]);
  }
  const decoded = await createImageBitmap(new Blob([(await client.downloadArtifact(run.runId, 'pixels.png')).slice()], { type: 'image/png' }));
  const canvas = new OffscreenCanvas(2, 2);
  const context = canvas.getContext('2d')!;
  context.drawImage(decoded, 0, 0);
  expect([...context.getImageData(0, 0, 1, 1).data]).toEqual([255, 0, 0, 255]);
});
