/** What every CLI command needs: the same configuration, database, migrations and services as the server. */
import { systemClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import { type Caller, systemCaller } from '../features/access/caller.ts';
import { createServices, type Services } from '../services.ts';

export type CliContext = { services: Services; caller: Caller; close(): Promise<void> };

/** The CLI acts as the system, named "cli" in the audit trail. */
export const cliCaller: Caller = { ...systemCaller, actor: { ...systemCaller.actor, name: 'cli' } };

export async function openContext(): Promise<CliContext> {
  const config = loadConfig();
  const { db, dialect } = openDatabase(config);
  await migrateToLatest(db);
  const services = createServices({ config, db, dialect, clock: systemClock });
  return { services, caller: cliCaller, close: () => db.destroy() };
}
