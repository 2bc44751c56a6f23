/**
 * `PendingWork` (`core/pending-work.ts`): the writes in flight that `flush()` and `close()` of the
 * IndexedDB store, the REST store and the client wait for.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PendingWork } from '../../src/core/pending-work.js';

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every queued microtask and promise job run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Whether `promise` has settled by now. */
async function isDone(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await settle();
  return done;
}

describe('PendingWork', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('returns the tracked promise itself and forgets it once it settles', async () => {
    const pending = new PendingWork();
    const work = deferred<number>();
    expect(pending.track(work.promise)).toBe(work.promise);
    expect(pending.size).toBe(1);
    work.resolve(7);
    expect(await work.promise).toBe(7);
    await settle();
    expect(pending.size).toBe(0);
  });

  it('settles after every tracked write has, not before', async () => {
    const pending = new PendingWork();
    const first = deferred();
    const second = deferred();
    pending.track(first.promise);
    pending.track(second.promise);
    const settled = pending.settled();
    first.resolve();
    expect(await isDone(settled)).toBe(false);
    second.resolve();
    expect(await isDone(settled)).toBe(true);
  });

  it('resolves at once when nothing is in flight', async () => {
    expect(await isDone(new PendingWork().settled())).toBe(true);
    expect(await isDone(new PendingWork().drained())).toBe(true);
  });

  it('waits for a rejected write without rejecting, and adds no unhandled rejection', async () => {
    const pending = new PendingWork();
    const work = deferred();
    const tracked = pending.track(work.promise);
    const caught = tracked.catch((error: unknown) => error);
    const settled = pending.settled();
    const drained = pending.drained();
    work.reject(new Error('quota'));
    await expect(settled).resolves.toBeUndefined();
    await expect(drained).resolves.toBeUndefined();
    expect(((await caught) as Error).message).toBe('quota');
    await settle();
    expect(pending.size).toBe(0);
    expect(unhandled).toEqual([]);
  });

  it('settled() waits for what was tracked before it; drained() also for what is tracked while it waits', async () => {
    const pending = new PendingWork();
    const first = deferred();
    const later = deferred();
    pending.track(first.promise);
    const settled = pending.settled();
    const drained = pending.drained();
    pending.track(later.promise);
    first.resolve();
    expect(await isDone(settled)).toBe(true);
    expect(await isDone(drained)).toBe(false);
    later.resolve();
    expect(await isDone(drained)).toBe(true);
  });
});
