/** Brute-force counters: failed sign-ins per account, per attempted login name and per client address. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('login_throttle')
    // 'user:<id>' | 'login:<login key>' | 'ip:<address>'
    .addColumn('key', 'text', (c) => c.primaryKey())
    // Attempts reserved since the last lock or success; never above the limit (reserved before verifying).
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    // How many locks in a row: each doubles the next one's length.
    .addColumn('lock_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    .addColumn('last_failure_at', 'text')
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
