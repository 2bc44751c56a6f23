/**
 * The mirror's Web Lock in real Chromium: a second acquirer waits until the holder releases it; a
 * same-origin frame holding it hands it over when the frame goes away; an abandoned wait gives up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { webLocksMirrorLock } from '../../src/storage/mirror/web-lock.js';
import { expectCode } from '../conformance/expect-error.js';

let counter = 0;
const lockName = (): string => `edgeflow-mirror-test-${Date.now().toString(36)}-${counter++}`;

/** How many hold and how many wait for `name`, as the browser reports it. */
async function census(name: string): Promise<{ held: number; pending: number }> {
  const state = await navigator.locks.query();
  return { held: (state.held ?? []).filter((l) => l.name === name).length, pending: (state.pending ?? []).filter((l) => l.name === name).length };
}

const frames: HTMLIFrameElement[] = [];
afterEach(() => {
  for (const frame of frames.splice(0)) frame.remove();
});

/** A same-origin frame that takes `name` and never releases it; resolves once it holds it. */
async function frameHolding(name: string): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frames.push(frame);
  const held = new Promise<void>((resolve) => {
    const onMessage = (event: MessageEvent): void => {
      if (event.source !== frame.contentWindow || event.data !== `held ${name}`) return;
      window.removeEventListener('message', onMessage);
      resolve();
    };
    window.addEventListener('message', onMessage);
  });
  frame.srcdoc = `<script>navigator.locks.request(${JSON.stringify(name)}, () => { parent.postMessage(${JSON.stringify(`held ${name}`)}, '*'); return new Promise(() => {}); });</script>`;
  document.body.append(frame);
  await held;
  return frame;
}

/** Asks for `name` while another holds it; resolves once the browser lists the request as waiting and it is not granted. */
async function waitingFor(name: string): Promise<{ acquired: Promise<() => void> }> {
  let granted = false;
  const acquired = webLocksMirrorLock()!.acquire(name, new AbortController().signal).then((release) => {
    granted = true;
    return release;
  });
  await expect.poll(() => census(name)).toEqual({ held: 1, pending: 1 });
  expect(granted).toBe(false);
  return { acquired };
}

describe('webLocksMirrorLock', () => {
  it('makes a second acquirer wait until the first releases', async () => {
    const lock = webLocksMirrorLock()!;
    const name = lockName();
    const releaseFirst = await lock.acquire(name, new AbortController().signal);
    const { acquired: second } = await waitingFor(name);
    releaseFirst();
    const releaseSecond = await second;
    expect(await census(name)).toEqual({ held: 1, pending: 0 });
    releaseSecond();
    await expect.poll(() => census(name)).toEqual({ held: 0, pending: 0 });
  });

  it('waits while a same-origin frame holds the lock, and gets it when that frame goes away', async () => {
    const name = lockName();
    const frame = await frameHolding(name);
    const { acquired } = await waitingFor(name);
    frame.remove();
    const release = await acquired;
    expect(await census(name)).toEqual({ held: 1, pending: 0 });
    release();
  });

  it('gives up a wait when its signal aborts, rejecting with the signal’s reason', async () => {
    const lock = webLocksMirrorLock()!;
    const name = lockName();
    const release = await lock.acquire(name, new AbortController().signal);
    const controller = new AbortController();
    const waiting = lock.acquire(name, controller.signal);
    await expect.poll(() => census(name)).toEqual({ held: 1, pending: 1 });
    const reason = new Error('stopped');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(await census(name)).toEqual({ held: 1, pending: 0 });
    const gone = new AbortController();
    gone.abort(new Error('already'));
    await expect(lock.acquire(name, gone.signal)).rejects.toThrow('already');
    release();
  });

  it('refuses names the Web Locks API reserves, and is undefined without navigator.locks', async () => {
    const lock = webLocksMirrorLock()!;
    await expectCode(lock.acquire('', new AbortController().signal), 'INVALID_PARAMETER_VALUE');
    await expectCode(lock.acquire('-reserved', new AbortController().signal), 'INVALID_PARAMETER_VALUE');
    Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });
    try {
      expect(webLocksMirrorLock()).toBeUndefined();
    } finally {
      delete (navigator as { locks?: unknown }).locks;
    }
    expect(webLocksMirrorLock()).toBeDefined();
  });
});
