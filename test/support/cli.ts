/** Runs the `gatehouse` command as a child process, on a throw-away SQLite dir or a fresh PostgreSQL database. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openPostgres } from '../../src/db/postgres.ts';
import { testPgServer } from '../harness.ts';

export type CliResult = { code: number | null; out: string; err: string };

export function runCli(env: Record<string, string>, args: string[], stdin = ''): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/gatehouse.js', ...args], {
      env: { PATH: process.env.PATH ?? '', GATEHOUSE_LOG_LEVEL: 'silent', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('exit', (code) => resolve({ code, out, err }));
    child.stdin.end(stdin);
  });
}

/** The environment of a CLI run: a temp data dir, plus a new PostgreSQL database for that dialect. */
export async function cliDatabase(
  dialect: string,
  prefix = 'gh-cli-',
): Promise<{ env: Record<string, string>; dataDir: string; drop(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const env: Record<string, string> = { GATEHOUSE_DATA_DIR: dataDir };
  let dbName: string | undefined;
  if (dialect === 'postgres') {
    dbName = `gh_test_${randomBytes(6).toString('hex')}`;
    const admin = openPostgres(testPgServer, 1);
    await sql`CREATE DATABASE ${sql.id(dbName)}`.execute(admin);
    await admin.destroy();
    const url = new URL(testPgServer);
    url.pathname = `/${dbName}`;
    env.GATEHOUSE_DATABASE_URL = url.toString();
  }
  return {
    env,
    dataDir,
    drop: async () => {
      await rm(dataDir, { recursive: true, force: true });
      if (!dbName) return;
      const admin = openPostgres(testPgServer, 1);
      await sql`DROP DATABASE IF EXISTS ${sql.id(dbName)} WITH (FORCE)`.execute(admin);
      await admin.destroy();
    },
  };
}
