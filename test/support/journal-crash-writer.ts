/**
 * The writer process of the file journal crash test: opens the journal in the folder given as its
 * argument, continues after its last commit, and commits {@link crashCommit}s until killed, writing
 * each commit's number to stdout once the commit resolved.
 * Run: `node --import tsx test/support/journal-crash-writer.ts <folder>`.
 */
import { fileMirrorJournal } from '../../src/node/file-mirror-journal.js';
import { crashCommit } from './journal-crash-commits.js';

const journal = fileMirrorJournal(process.argv[2]!, { compactAtBytes: 64 * 1024 });
const last = await journal.get('seq');
for (let i = typeof last === 'number' ? last + 1 : 0; ; i++) {
  await journal.commit(crashCommit(i));
  process.stdout.write(`${i}\n`);
}
