/**
 * `MemoryMirrorJournal`: the mirror journal contract in memory — commits all or nothing (deletes
 * before puts), entries sorted by code point under a prefix, values copied in and out, closed after
 * `close()`.
 */
import { describe, expect, it } from 'vitest';
import { MemoryMirrorJournal } from '../../src/storage/mirror/index.js';

describe('MemoryMirrorJournal', () => {
  it('applies deletes before puts in one commit; entries are sorted by code point under a prefix', async () => {
    const journal = new MemoryMirrorJournal();
    await journal.commit({ put: [['out/run/b', { at: 1 }], ['out/run/a', { at: 2 }], ['map/a', { targetRunId: 'x' }], ['out/run/\u{1F600}', 1], ['out/run/\uFFFF', 2]] });
    await journal.commit({ delete: ['out/run/b', 'out/run/b', 'missing'], put: [['out/run/b', { at: 3 }], ['flight/a', { keys: ['loss'] }]] });
    expect((await journal.entries('out/run/')).map(([key]) => key)).toEqual(['out/run/a', 'out/run/b', 'out/run/\uFFFF', 'out/run/\u{1F600}']);
    expect(await journal.get('out/run/b')).toEqual({ at: 3 });
    expect((await journal.entries()).map(([key]) => key)).toEqual(['flight/a', 'map/a', 'out/run/a', 'out/run/b', 'out/run/\uFFFF', 'out/run/\u{1F600}']);
    expect(await journal.get('nothing')).toBeUndefined();
  });

  it('a commit with an empty key applies nothing', async () => {
    const journal = new MemoryMirrorJournal();
    await journal.commit({ put: [['keep', 1]] });
    await expect(journal.commit({ delete: ['keep'], put: [['new', 2], ['', 3]] })).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    expect(await journal.entries()).toEqual([['keep', 1]]);
  });

  it('keeps copies: changing a value given or read changes nothing inside', async () => {
    const journal = new MemoryMirrorJournal();
    const value = { metrics: { loss: 1 } };
    await journal.commit({ put: [['map/r', value]] });
    value.metrics.loss = 99;
    const read = (await journal.get('map/r')) as { metrics: { loss: number } };
    read.metrics.loss = 42;
    expect(await journal.get('map/r')).toEqual({ metrics: { loss: 1 } });
  });

  it('refuses every call after close() with INVALID_STATE', async () => {
    const journal = new MemoryMirrorJournal();
    await journal.close();
    await expect(journal.get('a')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(journal.entries()).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(journal.commit({ put: [['a', 1]] })).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });
});
