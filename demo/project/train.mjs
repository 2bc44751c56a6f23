#!/usr/bin/env node
// The `cli` entry point: `edgeflow run` starts it as a child process with MLFLOW_RUN_ID,
// MLFLOW_EXPERIMENT_ID and MLFLOW_TRACKING_URI set, so startRun() below joins the project's run.
// Run `npm run build` first: `edgeflow` resolves to this package's dist/ (package self-reference).
import { parseArgs } from 'node:util';
import { endRun, logMetric, logMetrics, registerStoreScheme, setTag, startRun } from 'edgeflow';
import { openFileStoreUri } from 'edgeflow/node';
import { train } from './train.js';

// `file:` stores are Node-only; make sure the module API can open one.
registerStoreScheme('file', (uri) => openFileStoreUri(uri));

const { values } = parseArgs({ options: { alpha: { type: 'string', default: '0.5' }, epochs: { type: 'string', default: '60' } } });
const run = await startRun();
console.log(`training in run ${run.runId} (alpha=${values.alpha}, epochs=${values.epochs})`);
try {
  // The module API logs to the active run, so it can stand in for the run handle train() expects.
  const handle = { logMetric, logMetrics, setTag };
  const { w, b } = await train({ alpha: Number(values.alpha), epochs: Number(values.epochs) }, handle);
  console.log(`fitted y = ${w.toFixed(3)}x + ${b.toFixed(3)}`);
  await endRun('FINISHED');
} catch (error) {
  await endRun('FAILED');
  throw error;
}
