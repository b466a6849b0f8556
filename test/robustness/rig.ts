/**
 * A real Gatehouse process for the probes, on SQLite or on a fresh PostgreSQL database, with its mail going to a
 * real SMTP server and its texts to a real SMS webhook in the test process, and direct reads of its audit trail.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { api, benchAdmin, login, removeDir, type Served, spawnGatehouse } from '../../bench/lib/proc.ts';
import type { Dialect } from '../../src/db/database.ts';
import { type SmsReceiver, startSmsReceiver } from '../features/sms-receiver.ts';
import { testPgServer } from '../harness.ts';
import { TestSmtpServer } from '../support/smtp.ts';

/** The only base links in mail may have: distinct from the address the process listens on. */
export const publicUrl = 'http://id.gatehouse.test';

export type Rig = {
  dialect: Dialect;
  gh: Served;
  smtp: TestSmtpServer;
  sms: SmsReceiver;
  /** The bootstrap admin's session token. */
  admin: string;
  /** Every row of the audit trail, every column. */
  events(): Promise<Record<string, unknown>[]>;
  /** Sends a JSON request (optionally with extra headers) and reads the answer. */
  call(
    method: string,
    pathname: string,
    token: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer>;
  stop(): Promise<void>;
};

export type Answer = { status: number; body: unknown; headers: Headers };

async function pgAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: testPgServer });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function startRig(dialect: Dialect, env: Record<string, string> = {}): Promise<Rig> {
  const smtp = new TestSmtpServer();
  await smtp.start();
  const sms = await startSmsReceiver();
  let databaseUrl: string | undefined;
  const dbName = `gh_rig_${randomBytes(5).toString('hex')}`;
  if (dialect === 'postgres') {
    await pgAdmin((c) => c.query(`CREATE DATABASE ${dbName}`));
    const url = new URL(testPgServer);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
  }
  const gh = await spawnGatehouse({
    GATEHOUSE_PUBLIC_URL: publicUrl,
    GATEHOUSE_SMTP_URL: smtp.url,
    GATEHOUSE_SMS_URL: sms.url,
    ...(databaseUrl ? { GATEHOUSE_DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const admin = await login(gh.url, benchAdmin.username, benchAdmin.password);

  const events = async (): Promise<Record<string, unknown>[]> => {
    if (databaseUrl) {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      try {
        return (await c.query('SELECT * FROM events')).rows;
      } finally {
        await c.end();
      }
    }
    const db = new Database(path.join(gh.dataDir, 'gatehouse.db'), { readonly: true });
    try {
      return db.prepare('SELECT * FROM events').all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  };

  const call: Rig['call'] = async (method, pathname, token, body, headers = {}) => {
    const r = await fetch(`${gh.url}${pathname}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: r.status, body: parsed, headers: r.headers };
  };

  const stop = async () => {
    await gh.stop();
    removeDir(gh.dataDir);
    await smtp.stop();
    await sms.close();
    if (databaseUrl) await pgAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  };
  return { dialect, gh, smtp, sms, admin, events, call, stop };
}

/** Creates an active user through the admin API; answers its id. */
export async function createMember(rig: Rig, fields: Record<string, unknown> & { username: string }): Promise<string> {
  const r = await api(rig.gh.url, 'POST', '/api/admin/users', rig.admin, fields);
  if (r.status !== 201) throw new Error(`creating ${fields.username}: ${r.status} ${JSON.stringify(r.body)}`);
  return (r.body as { id: string }).id;
}
