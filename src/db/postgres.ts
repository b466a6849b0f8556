/** PostgreSQL through a pg pool: the engine for several stateless nodes. */
import { Kysely, PostgresDialect } from 'kysely';
import type PG from 'pg';
import { lazyRequire } from '../lazy-require.ts';
import type { Database } from './database.ts';

const pg = lazyRequire<typeof PG>('pg');

export function openPostgres(url: string, max = 10): Kysely<Database> {
  const pool = new (pg().Pool)({ connectionString: url, max });
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
