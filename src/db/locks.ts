/**
 * Locks that make a read-then-write rule hold under concurrency, in one helper for both dialects.
 *
 * On PostgreSQL (READ COMMITTED) two transactions each check a rule against what is committed, both pass, and
 * together break it (two demotions of the last two admins; A moved under B while B moves under A). A transaction
 * that changes what a rule reads takes the rule's lock FIRST, before it reads or writes anything the rule
 * depends on: the next one waits at its lock until the first commits, and every statement after that sees the
 * committed change (READ COMMITTED takes a fresh snapshot per statement). The lock is a transaction-level
 * advisory lock: no row to keep, released by COMMIT or ROLLBACK, scoped to the database.
 *
 * On SQLite there is nothing to do: the service holds one connection and Kysely runs one transaction on it at
 * a time, so these transactions are already serial.
 */
import { type Kysely, sql } from 'kysely';
import type { Db } from './database.ts';
import { dialectOf } from './dialect.ts';

/**
 * One lock per rule. `admins`: every change that could take the Admin role from an active user (last-admin.ts).
 * `group-tree`: every change of a group's parent (the no-cycle rule). Taken together, in this order.
 */
export const ruleLocks = { 'group-tree': 0x6768_0001, admins: 0x6768_0002 } as const;
export type RuleLock = keyof typeof ruleLocks;

/** Waits for the rule's lock and holds it to the end of the transaction `trx` (which must be one). */
export async function lockRule(trx: Db, rule: RuleLock): Promise<void> {
  if (!trx.isTransaction) throw new Error(`lockRule(${rule}) outside a transaction would hold nothing`);
  if (dialectOf(trx as unknown as Kysely<unknown>) === 'sqlite') return;
  await sql`SELECT pg_advisory_xact_lock(${sql.lit(ruleLocks[rule])})`.execute(trx);
}
