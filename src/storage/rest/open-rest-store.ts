/**
 * `openStore('http://…')` / `openStore('https://…')`: a {@link RestStore} for a tracking URI, with
 * credentials from MLflow's environment variables in Node (`MLFLOW_TRACKING_TOKEN` → Bearer,
 * else `MLFLOW_TRACKING_USERNAME`/`MLFLOW_TRACKING_PASSWORD` → Basic), as MLflow's Python client.
 * @module
 */
import { nodeProcess } from '../../core/environment.js';
import { RestStore, type RestStoreOptions } from './rest-store.js';

/** Auth headers from MLflow's environment variables (Node only; none in browsers). */
export function mlflowEnvHeaders(): Record<string, string> {
  const env = nodeProcess()?.env;
  const token = env?.['MLFLOW_TRACKING_TOKEN'];
  if (token) return { Authorization: `Bearer ${token}` };
  const user = env?.['MLFLOW_TRACKING_USERNAME'];
  const password = env?.['MLFLOW_TRACKING_PASSWORD'];
  if (user && password) {
    const bytes = new TextEncoder().encode(`${user}:${password}`);
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return { Authorization: `Basic ${btoa(binary)}` };
  }
  return {};
}

/** Opens a {@link RestStore} on `uri` (the tracking server's base URL). */
export async function openRestStore(uri: string, options: Partial<RestStoreOptions> = {}): Promise<RestStore> {
  return new RestStore({ headers: mlflowEnvHeaders, ...options, baseUrl: uri });
}
