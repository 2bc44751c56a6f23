/**
 * The memory journal (`MemoryMirrorJournal`) against the journal contract. A memory journal's place
 * is the instance: every `open()` is a view of the last `fresh()` one whose `close()` leaves it open,
 * as a reload of a page keeps nothing but another tab would share it.
 */
import { MemoryMirrorJournal } from '../../src/storage/mirror/memory-journal.js';
import type { MirrorJournal } from '../../src/storage/mirror/contract.js';
import { describeJournalContract } from '../conformance/journal-suite.js';

let place = new MemoryMirrorJournal();

/** Another handle on `journal` whose close does not close it. */
function view(journal: MirrorJournal): MirrorJournal {
  return {
    entries: (prefix) => journal.entries(prefix),
    get: (key) => journal.get(key),
    commit: (change) => journal.commit(change),
    close: async () => undefined,
  };
}

describeJournalContract('memory journal', {
  fresh: async () => view((place = new MemoryMirrorJournal())),
  open: async () => view(place),
});
