/**
 * Child processes for the benchmarks: a real Gatehouse (`node dist/server/main.js`, as npm start) on a temp data dir, or any
 * other server script, each on 127.0.0.1 and a free port, so the load generator never shares their event loop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildServer, serverBundleIsFresh } from '../../scripts/build-server-if-stale.mjs';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const benchAdmin = { username: 'bench-admin', password: 'bench-admin-password-1' } as const;

export type Served = {
  url: string;
  child: ChildProcess;
  dataDir: string;
  /** Every stdout/stderr line the child printed (for canary greps). */
  output: string[];
  startMs: number;
  rssMb(): number;
  stop(): Promise<void>;
  kill9(): Promise<void>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function rssMbOf(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export async function waitFor(url: string, timeoutMs = 60_000, child?: ChildProcess): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child && child.exitCode !== null) throw new Error(`child exited with ${child.exitCode} before ${url} answered`);
    try {
      const r = await fetch(url);
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

export type SpawnOptions = {
  script: string;
  args?: string[];
  env?: Record<string, string>;
  readyPath?: string;
  cwd?: string;
  tsx?: boolean;
};

export async function spawnServer(options: SpawnOptions): Promise<Served> {
  const port = await freePort();
  const ownDir = options.env?.GATEHOUSE_DATA_DIR === undefined;
  const dataDir = options.env?.GATEHOUSE_DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'gh-bench-'));
  const startMs = performance.now();
  const child = spawn(
    process.execPath,
    [...(options.tsx === false ? [] : ['--import', 'tsx']), options.script, ...(options.args ?? [])],
    {
      cwd: options.cwd ?? repoRoot,
      // Management port 0: any free one, so several servers (and other checkouts) never collide on 9464.
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        GATEHOUSE_MANAGEMENT_PORT: '0',
        GATEHOUSE_DATA_DIR: dataDir,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${url}${options.readyPath ?? '/readyz'}`, 120_000, child);
  } catch (error) {
    child.kill('SIGKILL');
    // A server that never answered is never stopped by its caller: its temp data dir goes here.
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${output.slice(-20).join('\n')}`);
  }
  const ended = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const stopWith = async (signal: NodeJS.Signals) => {
    child.kill(signal);
    await ended;
  };
  return {
    url,
    child,
    dataDir,
    output,
    startMs: performance.now() - startMs,
    rssMb: () => rssMbOf(child.pid),
    stop: () => stopWith('SIGTERM'),
    kill9: () => stopWith('SIGKILL'),
  };
}

/**
 * A Gatehouse with a bootstrap admin, started as `npm start` starts it (the server bundle, built first when stale);
 * `env` may set GATEHOUSE_DATABASE_URL for PostgreSQL.
 */
export async function spawnGatehouse(env: Record<string, string> = {}): Promise<Served> {
  if (!serverBundleIsFresh()) await buildServer();
  return spawnServer({
    script: 'dist/server/main.js',
    tsx: false,
    env: {
      GATEHOUSE_ADMIN_USERNAME: benchAdmin.username,
      GATEHOUSE_ADMIN_PASSWORD: benchAdmin.password,
      GATEHOUSE_LOG_LEVEL: 'warn',
      GATEHOUSE_PUBLIC_URL: 'http://127.0.0.1',
      GATEHOUSE_SECRET_KEY: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      ...env,
    },
  });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function login(url: string, username: string, password: string): Promise<string> {
  const r = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await r.json()) as { token?: string };
  if (r.status !== 200 || !body.token) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(body)}`);
  return body.token;
}

export async function api(
  url: string,
  method: string,
  pathname: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`${url}${pathname}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? safeJson(text) : null };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
