/**
 * Which MLflow REST requests may be sent again after a failure that leaves unknown whether the
 * server applied them (a timeout, a connection dropped after the request went out, a 502/504 or a
 * 500 without an MLflow error body). One table for the whole REST store.
 *
 * - **safe**: reads (every GET, and the searches MLflow takes as POST).
 * - **idempotent**: the same request twice leaves the same state and answer (setting a tag, a
 *   param with the same value, a run's status; artifact PUT; artifact DELETE, which MLflow answers
 *   the same when the file is already gone).
 * - everything else is **not** repeated: a second `runs/create` makes a second run, a second
 *   `log-batch` with metrics appends every point again, a second create/delete/rename answers with
 *   an error although the first one worked. `RestStore` makes `runs/create` and `log-batch` safe to
 *   repeat by checking first whether the server applied them; the rest fail with a clear error.
 *
 * Failures that are clear refusals before any processing (408, 429, 503, a refused connection) are
 * retried for every request.
 * @module
 */

const READS_BY_POST: ReadonlySet<string> = new Set(['/experiments/search', '/runs/search', '/registered-models/get-latest-versions']);

const IDEMPOTENT_WRITES: ReadonlySet<string> = new Set([
  'POST /runs/update',
  'POST /runs/set-tag',
  'POST /runs/log-parameter',
  'POST /experiments/set-experiment-tag',
  'POST /registered-models/set-tag',
  'POST /model-versions/set-tag',
  'POST /registered-models/alias',
  'PATCH /registered-models/update',
  'PATCH /model-versions/update',
]);

const TRACKING_API = '/api/2.0/mlflow';
const ARTIFACTS_API = '/api/2.0/mlflow-artifacts/artifacts';

/**
 * True when `method path` (a path below the server's base URL) may be sent again after an
 * ambiguous failure, per the table above.
 */
export function isRepeatable(method: string, path: string): boolean {
  if (method === 'GET') return true;
  if (path.startsWith(ARTIFACTS_API)) return method === 'PUT' || method === 'DELETE';
  if (!path.startsWith(`${TRACKING_API}/`)) return false;
  const endpoint = path.slice(TRACKING_API.length);
  return (method === 'POST' && READS_BY_POST.has(endpoint)) || IDEMPOTENT_WRITES.has(`${method} ${endpoint}`);
}
