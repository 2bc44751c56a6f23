/**
 * The journal conformance suite: the contract of `MirrorJournal` (`src/storage/mirror/contract.ts`)
 * as tests, run against every journal (memory, IndexedDB in Chromium, the Node file journal).
 */
import { describe, expect, it } from 'vitest';
import type { JournalCommit, JournalValue, MirrorJournal } from '../../src/storage/mirror/contract.js';
import { expectCode } from './expect-error.js';

/** How the suite reaches a journal. */
export interface JournalPlaces {
  /** A journal over a new, empty place; that place becomes the one {@link JournalPlaces.open} opens. */
  fresh(): Promise<MirrorJournal>;
  /** Another instance over the place of the last {@link JournalPlaces.fresh} (a reload, a second tab). */
  open(): Promise<MirrorJournal>;
}

/** A value of about `bytes` bytes of JSON: a long string and many small objects. */
export function largeJournalValue(bytes: number): JournalValue {
  const rows = Array.from({ length: Math.floor(bytes / 80) }, (_, i) => ({ i, name: `row-${i}`, score: i / 7, ok: i % 3 === 0 }));
  return { text: 'x'.repeat(Math.floor(bytes / 2)), rows };
}

/** Values that are not JSON (or would not read back equal), with what they are. */
function notJson(): Array<[string, unknown]> {
  const cycle: Record<string, unknown> = { a: 1 };
  cycle['self'] = cycle;
  const hole = [1, , 3];
  return [
    ['undefined', undefined],
    ['a function', () => 1],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a bigint', 10n],
    ['a symbol', Symbol('s')],
    ['a Date', new Date(0)],
    ['a Map', new Map([[1, 2]])],
    ['a typed array', new Float64Array(2)],
    ['undefined inside an object', { a: { b: undefined } }],
    ['NaN inside an array', [1, [2, Number.NaN]]],
    ['an array hole', hole],
    ['a cycle', cycle],
  ];
}

/** Registers the contract tests of {@link MirrorJournal} for the journal `places` gives. */
export function describeJournalContract(name: string, places: JournalPlaces): void {
  describe(`MirrorJournal contract: ${name}`, () => {
    it('puts, gets and deletes entries; a missing key reads undefined and deleting it is no error', async () => {
      const journal = await places.fresh();
      expect(await journal.get('a')).toBeUndefined();
      await journal.commit({ put: [['a', 1], ['b', { x: [true, null, 'y'] }]] });
      expect(await journal.get('a')).toBe(1);
      expect(await journal.get('b')).toEqual({ x: [true, null, 'y'] });
      await journal.commit({ delete: ['a', 'never-there'] });
      expect(await journal.get('a')).toBeUndefined();
      expect(await journal.entries()).toEqual([['b', { x: [true, null, 'y'] }]]);
      await journal.commit({});
      await journal.commit({ put: [], delete: [] });
      expect(await journal.entries()).toEqual([['b', { x: [true, null, 'y'] }]]);
      await journal.close();
    });

    it('lists the entries under a prefix sorted by code point (astral characters after U+FFFF)', async () => {
      const journal = await places.fresh();
      const keys = ['b', 'a\u{10000}', 'a/2', 'a', 'a\uFFFF', 'a/10', 'ab', 'A', 'a\uFFFF\uFFFF', 'a\uFFFFz', '\u00e9', 'a/'];
      await journal.commit({ put: keys.map((key, i) => [key, i]) });
      const byCodePoint = ['A', 'a', 'a/', 'a/10', 'a/2', 'ab', 'a\uFFFF', 'a\uFFFFz', 'a\uFFFF\uFFFF', 'a\u{10000}', 'b', '\u00e9'];
      expect((await journal.entries()).map(([key]) => key)).toEqual(byCodePoint);
      expect((await journal.entries('')).map(([key]) => key)).toEqual(byCodePoint);
      expect((await journal.entries('a')).map(([key]) => key)).toEqual(byCodePoint.slice(1, 10));
      expect(await journal.entries('a/')).toEqual([['a/', 11], ['a/10', 5], ['a/2', 2]]);
      expect((await journal.entries('a\uFFFF')).map(([key]) => key)).toEqual(['a\uFFFF', 'a\uFFFFz', 'a\uFFFF\uFFFF']);
      expect((await journal.entries('a\u{10000}')).map(([key]) => key)).toEqual(['a\u{10000}']);
      expect(await journal.entries('c')).toEqual([]);
      expect(await journal.entries('a/2/')).toEqual([]);
      await journal.close();
    });

    it('applies the deletes of a commit before its puts, and the last put of a key wins', async () => {
      const journal = await places.fresh();
      await journal.commit({ put: [['k', 'old'], ['gone', 1]] });
      await journal.commit({ put: [['k', 'new']], delete: ['k', 'gone'] });
      expect(await journal.entries()).toEqual([['k', 'new']]);
      await journal.commit({ put: [['k', 1], ['j', 0], ['k', 2], ['k', 3]] });
      expect(await journal.entries()).toEqual([['j', 0], ['k', 3]]);
      await journal.close();
    });

    it('round-trips JSON: nesting, unicode keys and text, numbers, empty containers and a ~1 MB value, also after reopening', async () => {
      const journal = await places.fresh();
      const values: Array<[string, JournalValue]> = [
        ['nested', { a: { b: { c: [1, [2, [3, { d: null }]]] } }, e: [], f: {} }],
        ['unicode/ключ/🙂', { text: 'naïve café — 日本語 🙂 e\u0301 \u0000 \u2028 "quotes" \\ back', rtl: 'שלום' }],
        ['numbers', [0, -1, 0.1, 1e300, -2.5e-300, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]],
        ['scalars', [true, false, null, '', 'x']],
        ['proto', JSON.parse('{"__proto__": {"polluted": true}, "constructor": "c"}') as JournalValue],
        ['a key with spaces, %2F and / slashes', 'ok'],
        ['string', 'just text'],
        ['large', largeJournalValue(1_000_000)],
      ];
      await journal.commit({ put: values });
      const expected = [...values].sort(([a], [b]) => (a < b ? -1 : 1));
      expect(await journal.entries()).toEqual(expected);
      for (const [key, value] of values) expect(await journal.get(key)).toEqual(value);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      await journal.close();
      const again = await places.open();
      expect(await again.entries()).toEqual(expected);
      await again.close();
    });

    it('keeps its own copies: changing a committed or a returned value changes nothing stored', async () => {
      const journal = await places.fresh();
      const value = { list: [1, 2], inner: { n: 1 } };
      await journal.commit({ put: [['v', value]] });
      value.list.push(3);
      value.inner.n = 2;
      const read = (await journal.get('v')) as { list: number[]; inner: { n: number } };
      expect(read).toEqual({ list: [1, 2], inner: { n: 1 } });
      read.list.push(4);
      const listed = (await journal.entries('v')) as Array<[string, { list: number[] }]>;
      listed[0]![1].list.push(5);
      expect(await journal.get('v')).toEqual({ list: [1, 2], inner: { n: 1 } });
      await journal.close();
    });

    it('applies many commits started without awaiting in call order', async () => {
      const journal = await places.fresh();
      const commits: Array<Promise<void>> = [];
      const n = 200;
      for (let i = 0; i < n; i++) {
        const change: JournalCommit = {
          put: [['counter', i], [`log/${String(i).padStart(4, '0')}`, { i }]],
          ...(i >= 5 ? { delete: [`log/${String(i - 5).padStart(4, '0')}`] } : {}),
        };
        commits.push(journal.commit(change));
        // A bad commit in the middle fails alone.
        if (i === n / 2) commits.push(journal.commit({ put: [['counter', Number.NaN]] }).then(() => Promise.reject(new Error('accepted NaN')), () => undefined));
      }
      await Promise.all(commits);
      expect(await journal.get('counter')).toBe(n - 1);
      expect((await journal.entries('log/')).map(([, value]) => value)).toEqual([195, 196, 197, 198, 199].map((i) => ({ i })));
      await journal.close();
      const again = await places.open();
      expect(await again.get('counter')).toBe(n - 1);
      expect(await again.entries('log/')).toHaveLength(5);
      await again.close();
    });

    it('keeps every resolved commit, deletes included, after close and reopen', async () => {
      const journal = await places.fresh();
      await journal.commit({ put: [['out/1', { points: 3 }], ['out/2', { points: 4 }], ['map/r1', 'server-1']] });
      await journal.commit({ put: [['map/r2', 'server-2']], delete: ['out/1'] });
      await journal.close();
      const again = await places.open();
      expect(await again.entries()).toEqual([
        ['map/r1', 'server-1'],
        ['map/r2', 'server-2'],
        ['out/2', { points: 4 }],
      ]);
      await again.commit({ delete: ['out/2'] });
      await again.close();
      const third = await places.open();
      expect(await third.entries('out/')).toEqual([]);
      expect(await third.entries()).toHaveLength(2);
      await third.close();
    });

    it('two instances over one place see each other’s commits', async () => {
      const a = await places.fresh();
      const b = await places.open();
      await a.commit({ put: [['from-a', 1]] });
      expect(await b.get('from-a')).toBe(1);
      await b.commit({ put: [['from-b', 2]], delete: ['from-a'] });
      expect(await a.entries()).toEqual([['from-b', 2]]);
      await Promise.all([a.commit({ put: [['a/x', 'a']] }), b.commit({ put: [['b/x', 'b']] }), a.commit({ put: [['a/y', 'a']] })]);
      for (const journal of [a, b]) expect((await journal.entries()).map(([key]) => key)).toEqual(['a/x', 'a/y', 'b/x', 'from-b']);
      await a.close();
      expect(await b.get('a/y')).toBe('a');
      await b.close();
    });

    it('refuses bad keys and values with INVALID_PARAMETER_VALUE and writes nothing of that commit', async () => {
      const journal = await places.fresh();
      await journal.commit({ put: [['kept', 1]] });
      const bad = (change: unknown): Promise<void> => journal.commit(change as JournalCommit);
      await expectCode(bad({ put: [['', 1]] }), 'INVALID_PARAMETER_VALUE');
      await expectCode(bad({ put: [['ok', 1], ['', 2]] }), 'INVALID_PARAMETER_VALUE');
      await expectCode(bad({ put: [[7, 1]] }), 'INVALID_PARAMETER_VALUE');
      await expectCode(bad({ delete: [''] }), 'INVALID_PARAMETER_VALUE');
      await expectCode(bad({ delete: ['kept', 3] }), 'INVALID_PARAMETER_VALUE');
      await expectCode(bad({ put: [['ok']] }), 'INVALID_PARAMETER_VALUE');
      await expectCode(bad({ put: 'x' }), 'INVALID_PARAMETER_VALUE');
      await expectCode(bad({ puts: [['ok', 1]] }), 'INVALID_PARAMETER_VALUE');
      await expectCode(bad(null), 'INVALID_PARAMETER_VALUE');
      for (const [what, value] of notJson()) {
        const error = await expectCode(bad({ put: [['ok', 1], ['bad', value]], delete: ['kept'] }), 'INVALID_PARAMETER_VALUE');
        expect(error.message, what).toMatch(/journal commit/u);
      }
      await expectCode(journal.get(''), 'INVALID_PARAMETER_VALUE');
      await expectCode(journal.get(3 as unknown as string), 'INVALID_PARAMETER_VALUE');
      await expectCode(journal.entries(3 as unknown as string), 'INVALID_PARAMETER_VALUE');
      expect(await journal.entries()).toEqual([['kept', 1]]);
      await journal.close();
      const again = await places.open();
      expect(await again.entries()).toEqual([['kept', 1]]);
      await again.close();
    });
  });
}
