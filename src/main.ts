/** loadConfig → openDatabase → migrate → first admin → buildApp → listen; a clean shutdown on SIGTERM/SIGINT. */
import pino from 'pino';
import { buildApp } from './app.ts';
import { ensureFirstAdmin } from './bootstrap.ts';
import { systemClock } from './clock.ts';
import { ConfigError, insecureDefaults, loadConfig } from './config.ts';
import { migrateToLatest } from './db/migrate.ts';
import { openDatabase } from './db/open.ts';
import { loggerOptions } from './logger.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino(loggerOptions(config.logLevel));
  for (const warning of insecureDefaults(config)) logger.warn(warning);
  const { db, dialect } = openDatabase(config);
  const applied = await migrateToLatest(db);
  if (applied.length > 0) logger.info({ applied }, 'applied migrations');
  const app = await buildApp(
    { config, db, dialect, clock: systemClock },
    { logger: { ...loggerOptions(config.logLevel) } },
  );
  await ensureFirstAdmin(app.services, config, logger);
  await app.listen({ port: config.port, host: config.host });
  const management = await app.management.listen({ port: config.managementPort, host: config.managementHost });
  logger.info({ address: management }, 'management listener (metrics, health) ready');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    // app.close() stops accepting connections and waits for in-flight requests to finish.
    await app.close();
    await db.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`gatehouse: ${message}\n`);
  process.exit(1);
});
