/**
 * A real Jupyter Notebook server (Debian's `jupyter-notebook`, installed by `.ci/run`) for the
 * notebook test: on 127.0.0.1, a port chosen free, a random token, a temp notebook folder, and
 * Jupyter's config, data and runtime folders inside it, so nothing of the user's setup leaks in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** A running notebook server. */
export interface JupyterServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly token: string;
  /** Creates (or replaces) notebook `name` in the notebook folder through the contents REST API, with one code cell per source. */
  createNotebook(name: string, cells: readonly string[]): Promise<void>;
  /** Stops the server and the kernels it started. */
  stop(): Promise<void>;
}

const CANDIDATES = ['/usr/bin/jupyter-notebook', '/usr/local/bin/jupyter-notebook'];

/** Path of `jupyter-notebook`; throws a message naming the package when it is missing. */
export function findJupyterNotebook(): string {
  const found = CANDIDATES.find((path) => existsSync(path));
  if (found === undefined) throw new Error("No jupyter-notebook found: install Debian's package (apt-get install jupyter-notebook); .ci/run does.");
  return found;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** Starts a notebook server on `notebookDir`; resolves once its REST API answers. */
export async function startJupyter(notebookDir: string): Promise<JupyterServer> {
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const home = join(notebookDir, '.jupyter-home');
  await mkdir(home, { recursive: true });
  const child: ChildProcess = spawn(
    findJupyterNotebook(),
    ['--no-browser', '--allow-root', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0', `--NotebookApp.token=${token}`, `--notebook-dir=${notebookDir}`],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: '/usr/bin:/bin',
        HOME: home,
        JUPYTER_CONFIG_DIR: join(home, 'config'),
        JUPYTER_DATA_DIR: join(home, 'data'),
        JUPYTER_RUNTIME_DIR: join(home, 'runtime'),
        IPYTHONDIR: join(home, 'ipython'),
      },
    },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = `http://127.0.0.1:${port}`;
  const headers = { authorization: `token ${token}` };
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`jupyter-notebook exited with ${child.exitCode}:\n${output}`);
    const ok = await fetch(`${origin}/api/status`, { headers }).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`jupyter-notebook did not answer on ${origin}:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    origin,
    token,
    async createNotebook(name, cells) {
      const content = {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
        cells: cells.map((source, i) => ({ cell_type: 'code', id: `cell-${i}`, metadata: {}, source, outputs: [], execution_count: null })),
      };
      const response = await fetch(`${origin}/api/contents/${encodeURIComponent(name)}`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'notebook', format: 'json', content }),
      });
      if (!response.ok) throw new Error(`creating ${name}: HTTP ${response.status} ${await response.text()}`);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        // SIGTERM lets the server shut its kernels down; the group kill catches what is left.
        process.kill(-child.pid!, 'SIGTERM');
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // already gone
          }
        }, 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
