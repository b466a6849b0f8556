/**
 * startTestApp({ dialect }) → a real Gatehouse on a real database (a temp SQLite dir, or a fresh PostgreSQL
 * database gh_test_<random> dropped afterwards), with a clock the test can move. Requests go through
 * app.inject: full HTTP semantics, no socket. `describeBothDialects` runs one test file on SQLite and PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { createAdmin } from '../src/bootstrap.ts';
import { ManualClock } from '../src/clock.ts';
import { type Config, loadConfig } from '../src/config.ts';
import type { Dialect } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { openDatabase } from '../src/db/open.ts';
import { openPostgres } from '../src/db/postgres.ts';

export const adminCredentials = { username: 'admin', password: 'admin-password-for-tests' } as const;

/** Base URL of the PostgreSQL server the tests create their databases on. */
export const testPgServer = process.env.GATEHOUSE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function testDialects(): Dialect[] {
  const wanted = (process.env.GATEHOUSE_TEST_DIALECTS ?? 'sqlite,postgres').split(',').map((s) => s.trim());
  return wanted.filter((d): d is Dialect => d === 'sqlite' || d === 'postgres');
}

export type Reply = {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers and assert on their shape.
  body: any;
  headers: LightMyRequestResponse['headers'];
  raw: LightMyRequestResponse;
};

export type RequestOptions = {
  token?: string | undefined;
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string>;
};

export type TestApp = {
  app: FastifyInstance;
  dialect: Dialect;
  clock: ManualClock;
  config: Config;
  dataDir: string;
  /** The bootstrap admin's session token. */
  adminToken: string;
  adminId: string;
  request(method: string, url: string, options?: RequestOptions): Promise<Reply>;
  signIn(username: string, password: string): Promise<string>;
  /** Creates an active user with a password through the API and returns its id. */
  createUser(fields: Record<string, unknown> & { username: string; password?: string }): Promise<string>;
  /** Closes the app, keeping the data (for restart tests); `close` also drops it. */
  stop(): Promise<void>;
  close(): Promise<void>;
};

export type StartOptions = {
  dialect: Dialect;
  env?: Record<string, string>;
  dataDir?: string;
  databaseUrl?: string;
  keepData?: boolean;
};

export async function startTestApp(options: StartOptions): Promise<TestApp> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'gh-test-')));
  let databaseUrl = options.databaseUrl;
  let dbName: string | undefined;
  if (options.dialect === 'postgres' && !databaseUrl) {
    dbName = `gh_test_${randomBytes(6).toString('hex')}`;
    const admin = openPostgres(testPgServer, 1);
    await sql`CREATE DATABASE ${sql.id(dbName)}`.execute(admin);
    await admin.destroy();
    const url = new URL(testPgServer);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
  }
  const config = loadConfig({
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_PUBLIC_URL: 'http://gatehouse.test',
    GATEHOUSE_LOG_LEVEL: 'silent',
    ...(databaseUrl ? { GATEHOUSE_DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  });
  const { db, dialect } = openDatabase(config);
  await migrateToLatest(db);
  const clock = new ManualClock();
  const app = await buildApp({ config, db, dialect, clock });
  await app.ready();

  const request = async (method: string, url: string, opts: RequestOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const raw = await app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(opts.query ? { query: opts.query } : {}),
      ...(opts.body !== undefined ? { payload: opts.body as string } : {}),
    });
    let body: unknown = raw.body;
    // One JSON document (json, problem+json, scim+json); JSON Lines (x-ndjson) stays text, read it from `raw`.
    if (/[/+]json\b/.test(String(raw.headers['content-type'] ?? '')) && raw.body) body = JSON.parse(raw.body);
    return { status: raw.statusCode, body, headers: raw.headers, raw };
  };

  const signIn = async (username: string, password: string): Promise<string> => {
    const r = await request('POST', '/api/auth/login', { body: { username, password } });
    if (r.status !== 200 || !r.body.token)
      throw new Error(`sign-in as ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.token as string;
  };

  const existing = await db
    .selectFrom('users')
    .select('id')
    .where('username_key', '=', adminCredentials.username)
    .executeTakeFirst();
  const adminId =
    existing?.id ?? (await createAdmin(app.services, adminCredentials.username, adminCredentials.password));
  const adminToken = await signIn(adminCredentials.username, adminCredentials.password);

  const createUser = async (fields: Record<string, unknown> & { username: string }): Promise<string> => {
    const r = await request('POST', '/api/admin/users', { token: adminToken, body: fields });
    if (r.status !== 201) throw new Error(`creating ${fields.username} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id as string;
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await app.close();
    await db.destroy();
  };
  const close = async () => {
    await stop();
    if (options.keepData) return;
    if (dbName) {
      const admin = openPostgres(testPgServer, 1);
      await sql`DROP DATABASE IF EXISTS ${sql.id(dbName)} WITH (FORCE)`.execute(admin);
      await admin.destroy();
    }
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
  };
  return { app, dialect, clock, config, dataDir, adminToken, adminId, request, signIn, createUser, stop, close };
}

/** Runs the same suite once per dialect, each on its own fresh app and database. */
export function describeBothDialects(
  title: string,
  body: (t: () => TestApp) => void,
  env?: Record<string, string>,
): void {
  for (const dialect of testDialects()) {
    describe(`${title} [${dialect}]`, () => {
      let testApp: TestApp | undefined;
      before(async () => {
        testApp = await startTestApp({ dialect, ...(env ? { env } : {}) });
      });
      after(async () => {
        await testApp?.close();
      });
      body(() => {
        if (!testApp) throw new Error('test app not started');
        return testApp;
      });
    });
  }
}

let counter = 0;
/** A unique name for test data, so tests sharing an app do not collide. */
export function unique(prefix = 'user'): string {
  counter += 1;
  return `${prefix}${counter}${randomBytes(3).toString('hex')}`;
}
