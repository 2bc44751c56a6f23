/**
 * `<ef-sync-status>` driven by a fake mirror (an EventTarget whose status the test sets): what a
 * person sees in each state, the Retry button (mouse and keyboard), hostile error text, the
 * ticking countdown, axe in both themes, and a compact size for a toolbar.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { MirrorStatus, MirrorStatusSource } from '../../src/storage/mirror/contract.js';
import type { SyncStatus } from '../../src/components/ef-sync-status.js';
import { seriousViolations } from '../support/axe.js';
import { mount, shadow, until } from './components-fixtures.js';

declare global {
  interface Window {
    __pwned?: boolean;
  }
}

/** A mirror the test drives: `set` changes the status and fires `status`, as `mirrorTo` does. */
class FakeMirror extends EventTarget implements MirrorStatusSource {
  retries = 0;
  constructor(public status: MirrorStatus) {
    super();
  }
  set(status: MirrorStatus): void {
    this.status = status;
    this.dispatchEvent(new CustomEvent('status', { detail: status }));
  }
}

/** A fake mirror that can also be retried. */
class RetryableFakeMirror extends FakeMirror {
  retry(): void {
    this.retries++;
  }
}

/** What the element shows, as one line of text. */
function seen(el: SyncStatus): string {
  return (shadow(el).textContent ?? '').replace(/\s+/g, ' ').trim();
}

function retryButton(el: SyncStatus): HTMLButtonElement | null {
  return shadow(el).querySelector('button');
}

async function show(status: MirrorStatus, mirror: FakeMirror = new RetryableFakeMirror(status)): Promise<SyncStatus> {
  return mount('ef-sync-status', { mirror });
}

const MINUTE = 60_000;

afterEach(() => {
  document.body.replaceChildren();
  document.body.removeAttribute('style');
  delete window.__pwned;
});

describe('<ef-sync-status>', () => {
  it('shows each state as a word, with what is pending', async () => {
    expect(seen(await show({ state: 'starting', pending: 0 }))).toBe('Starting');
    expect(seen(await show({ state: 'online', pending: 0 }))).toBe('Online caught up');
    expect(seen(await show({ state: 'online', pending: 7 }))).toBe('Sending 7 pending');
    expect(seen(await show({ state: 'standby', pending: 2 }))).toBe('Standby another tab is sending');
    expect(seen(await show({ state: 'stopped', pending: 3 }))).toBe('Stopped 3 pending');
    expect(seen(await show({ state: 'offline', pending: 4 }))).toBe('Offline 4 pending');
    const failed = await show({ state: 'failed', pending: 1, lastError: { code: 'PERMISSION_DENIED', message: 'Bad token', at: Date.now() } });
    expect(seen(failed)).toBe('Failed 1 pending Bad token Retry');
  });

  it('says when nothing is mirrored', async () => {
    const el = await mount('ef-sync-status', {});
    expect(seen(el)).toBe('Not mirroring');
  });

  it('colours the dot per state', async () => {
    const colour = async (status: MirrorStatus): Promise<string> => getComputedStyle(shadow(await show(status)).querySelector('.dot')!).backgroundColor;
    const colours = new Set([
      await colour({ state: 'online', pending: 0 }),
      await colour({ state: 'online', pending: 3 }),
      await colour({ state: 'offline', pending: 3 }),
      await colour({ state: 'failed', pending: 3 }),
      await colour({ state: 'standby', pending: 0 }),
    ]);
    expect(colours.size).toBe(5);
  });

  it('counts down to the next attempt while offline, and says how long ago the server last acknowledged', async () => {
    const now = Date.now();
    const el = await show({ state: 'offline', pending: 2, retryAt: now + 10 * MINUTE, lastSentAt: now - 3 * MINUTE });
    expect(seen(el)).toMatch(/^Offline 2 pending retrying in (9|10)m last sent 3m ago$/);

    const mirror = el.mirror as FakeMirror;
    mirror.set({ state: 'offline', pending: 2, retryAt: Date.now() + 4000 });
    await el.updateComplete;
    const secondsLeft = (): number => Number(/retrying in (\d+)s/.exec(seen(el))?.[1] ?? NaN);
    const first = secondsLeft();
    expect(first).toBeGreaterThan(0);
    // It ticks on its own, without a status event, down to "retrying now".
    await until(() => secondsLeft() < first, 5000, 'the countdown to tick');
    await until(() => seen(el).includes('retrying now'), 8000, 'the countdown to end');
  });

  it('follows status events, and a newly assigned mirror', async () => {
    const mirror = new RetryableFakeMirror({ state: 'starting', pending: 0 });
    const el = await show(mirror.status, mirror);
    mirror.set({ state: 'online', pending: 12 });
    await el.updateComplete;
    expect(seen(el)).toBe('Sending 12 pending');
    mirror.set({ state: 'online', pending: 0, lastSentAt: Date.now() });
    await el.updateComplete;
    expect(seen(el)).toMatch(/^Online caught up last sent [01]s ago$/);

    const other = new FakeMirror({ state: 'standby', pending: 0 });
    el.mirror = other;
    await el.updateComplete;
    expect(seen(el)).toBe('Standby another tab is sending');
    mirror.set({ state: 'failed', pending: 1 }); // the old mirror is not followed any more
    await el.updateComplete;
    expect(seen(el)).toBe('Standby another tab is sending');

    el.remove();
    other.set({ state: 'stopped', pending: 0 });
    document.body.append(el); // reconnected: reads the status it missed
    await el.updateComplete;
    expect(seen(el)).toBe('Stopped');
  });

  it('offers Retry only when failed and the mirror can retry; click and keyboard call retry()', async () => {
    const mirror = new RetryableFakeMirror({ state: 'offline', pending: 1, retryAt: Date.now() + MINUTE });
    const el = await show(mirror.status, mirror);
    expect(retryButton(el)).toBeNull();
    mirror.set({ state: 'failed', pending: 1, lastError: { code: 'UNAUTHENTICATED', message: 'Token expired', at: Date.now() } });
    await el.updateComplete;
    const button = retryButton(el)!;
    expect(button.textContent).toBe('Retry');
    expect(button.getBoundingClientRect().width).toBeGreaterThan(20);
    await userEvent.click(button);
    expect(mirror.retries).toBe(1);
    button.blur();
    document.body.focus();
    for (let i = 0; i < 5 && shadow(el).activeElement !== button; i++) await userEvent.tab();
    expect(shadow(el).activeElement).toBe(button);
    await userEvent.keyboard('{Enter}');
    await userEvent.keyboard(' ');
    expect(mirror.retries).toBe(3);

    const plain = await show({ state: 'failed', pending: 1 }, new FakeMirror({ state: 'failed', pending: 1 }));
    expect(retryButton(plain)).toBeNull();
    expect(seen(plain)).toBe('Failed 1 pending');
  });

  it('shows a hostile error message as text', async () => {
    const message = `<img src=x onerror="window.__pwned=true"><script>window.__pwned=true</script>`;
    const el = await show({ state: 'offline', pending: 1, lastError: { code: 'INTERNAL_ERROR', message, at: Date.now() } });
    await new Promise((r) => setTimeout(r, 50));
    expect(shadow(el).querySelector('img, script')).toBeNull();
    expect(shadow(el).querySelector('.error')!.textContent).toBe(message);
    expect(window.__pwned).toBeUndefined();
  });

  it('announces politely: the state and pending count are in a status region', async () => {
    const el = await show({ state: 'online', pending: 5 });
    const region = shadow(el).querySelector('[role="status"]')!;
    expect(region.getAttribute('aria-live')).toBe('polite');
    expect((region.textContent ?? '').replace(/\s+/g, ' ').trim()).toBe('Sending 5 pending');
  });

  it('fits one toolbar line at 360 px', async () => {
    document.body.style.width = '360px';
    const el = await show({ state: 'failed', pending: 120, lastSentAt: Date.now() - 5000, lastError: { code: 'X', message: 'x'.repeat(400), at: Date.now() } });
    const box = el.getBoundingClientRect();
    expect(box.height).toBeLessThan(34);
    expect(box.width).toBeLessThanOrEqual(360);
    const button = retryButton(el)!.getBoundingClientRect();
    expect(button.right).toBeLessThanOrEqual(box.right);
    expect(button.width).toBeGreaterThan(20);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`has no serious axe violation in any state, ${theme} theme`, async () => {
      document.body.style.setProperty('--ef-color-scheme', theme);
      document.body.style.background = theme === 'dark' ? '#15171c' : '#ffffff';
      const at = Date.now();
      const states: MirrorStatus[] = [
        { state: 'starting', pending: 0 },
        { state: 'online', pending: 0, lastSentAt: at },
        { state: 'online', pending: 3 },
        { state: 'offline', pending: 3, retryAt: at + MINUTE, lastError: { code: 'TEMPORARILY_UNAVAILABLE', message: 'HTTP 503', at } },
        { state: 'standby', pending: 1 },
        { state: 'failed', pending: 3, lastError: { code: 'PERMISSION_DENIED', message: 'Forbidden', at } },
        { state: 'stopped', pending: 0 },
      ];
      for (const status of states) {
        const el = await show(status);
        el.theme = theme;
        await el.updateComplete;
      }
      expect(await seriousViolations(document.body)).toEqual([]);
    });
  }
});
