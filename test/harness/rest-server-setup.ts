/**
 * Global setup of the `browser` project: the loopback MLflow server (`test/support/mlflow-rest-server.ts`)
 * on 127.0.0.1, with CORS for any origin, so pages served by vitest (another port) reach it as a page
 * reaches a tracking server on another origin. Tests read its URL with `inject('mlflowRestUrl')`.
 */
import type { TestProject } from 'vitest/node';
import { startMlflowRestServer } from '../support/mlflow-rest-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the loopback MLflow server (`http://127.0.0.1:<port>`); `POST /_test/tenants` gives fresh backends. */
    mlflowRestUrl: string;
  }
}

export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const server = await startMlflowRestServer({ cors: { origins: '*' } });
  provide('mlflowRestUrl', server.url);
  return () => server.close();
}
