/**
 * `npm run bench`: runs every benchmark in its own process, one after another, and prints their
 * JSON lines (`{"name","value","unit"}`). Pass names to run some only: `npm run bench -- core idb`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ALL = ['core', 'idb', 'idb-heap', 'bundle', 'components', 'viewer', 'browser', 'system-metrics', 'mirror-lag'];
const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ALL;
let failed = 0;
for (const name of wanted) {
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  if (!existsSync(file)) {
    console.error(`bench: no benchmark named ${name}`);
    failed++;
    continue;
  }
  console.error(`--- bench/${name}.ts`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
