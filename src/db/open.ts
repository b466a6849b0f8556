/** Opens the configured database: PostgreSQL when a URL is given, otherwise SQLite in the data dir. */
import type { Config } from '../config.ts';
import type { Db, Dialect } from './database.ts';
import { openPostgres } from './postgres.ts';
import { openSqlite } from './sqlite.ts';

export function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): { db: Db; dialect: Dialect } {
  if (config.databaseUrl) return { db: openPostgres(config.databaseUrl), dialect: 'postgres' };
  return { db: openSqlite(config.dataDir).db, dialect: 'sqlite' };
}
