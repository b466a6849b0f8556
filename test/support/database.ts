/**
 * A migrated database without the app, for store conformance suites: a temp SQLite file, or a fresh PostgreSQL
 * database gh_test_<random> dropped afterwards (as test/harness.ts makes them). `describeBothDatabases` runs one
 * suite on each dialect.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { sql } from 'kysely';
import { ManualClock } from '../../src/clock.ts';
import type { Db, Dialect } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { openSqlite } from '../../src/db/sqlite.ts';
import { testDialects, testPgServer } from '../harness.ts';

export type TestDatabase = {
  db: Db;
  dialect: Dialect;
  clock: ManualClock;
  /** A second connection (pool) to the same database: another node of the service. */
  openAnother(): Db;
  close(): Promise<void>;
};

export async function openTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  const opened: Db[] = [];
  let open: () => Db;
  let drop: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gh-store-'));
    open = () => openSqlite(dir).db;
    drop = () => rm(dir, { recursive: true, force: true });
  } else {
    const name = `gh_test_${randomBytes(6).toString('hex')}`;
    const admin = openPostgres(testPgServer, 1);
    await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin);
    await admin.destroy();
    const url = new URL(testPgServer);
    url.pathname = `/${name}`;
    open = () => openPostgres(url.toString());
    drop = async () => {
      const server = openPostgres(testPgServer, 1);
      await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(server);
      await server.destroy();
    };
  }
  const openAnother = () => {
    const db = open();
    opened.push(db);
    return db;
  };
  const db = openAnother();
  await migrateToLatest(db);
  const close = async () => {
    for (const each of opened) await each.destroy();
    await drop();
  };
  return { db, dialect, clock: new ManualClock(), openAnother, close };
}

/** Runs the same suite once per dialect, each on its own fresh database. */
export function describeBothDatabases(title: string, body: (t: () => TestDatabase) => void): void {
  for (const dialect of testDialects()) {
    describe(`${title} [${dialect}]`, () => {
      let database: TestDatabase | undefined;
      before(async () => {
        database = await openTestDatabase(dialect);
      });
      after(async () => {
        await database?.close();
      });
      body(() => {
        if (!database) throw new Error('test database not opened');
        return database;
      });
    });
  }
}
