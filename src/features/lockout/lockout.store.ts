/** The database counters: each step is ONE atomic statement, so concurrent requests (and nodes) cannot overshoot. */
import { sql } from 'kysely';
import { iso } from '../../clock.ts';
import type { Db } from '../../db/database.ts';
import { prepared } from '../../db/prepared.ts';
import { type CounterState, type FailureCounters, type Limit, limitAt, type Reserve } from './lockout.counters.ts';

export interface LoginThrottleTable {
  key: string;
  failures: number;
  lock_level: number;
  locked_until: string | null;
  last_failure_at: string | null;
}

declare module '../../db/database.ts' {
  interface Database {
    login_throttle: LoginThrottleTable;
  }
}

const at = (ms: number) => iso(new Date(ms));

/**
 * Takes one attempt when the counter allows it. A quiet period (decayMs without a failure, `cutoff`) starts the
 * count, and after an old lock the doubling, afresh.
 */
const takeAttempt = prepared<
  { key: string; first: number; afterLock: number; now: string; cutoff: string },
  { lock_level: number }
>(['key', 'first', 'afterLock', 'now', 'cutoff'], (db, { key, first, afterLock, now, cutoff }) => {
  const stale = sql<boolean>`(last_failure_at IS NULL OR last_failure_at < ${cutoff})`;
  return (
    db
      .updateTable('login_throttle')
      .set({
        failures: sql`CASE WHEN ${stale} THEN 1 ELSE failures + 1 END`,
        lock_level: sql`CASE WHEN ${stale} AND (locked_until IS NULL OR locked_until < ${cutoff}) THEN 0 ELSE lock_level END`,
        last_failure_at: now,
      })
      .where('key', '=', key)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      // Each slot compared with an integer column, so PostgreSQL infers its type (a CASE of two slots it cannot).
      .where((eb) =>
        eb.or([
          eb.and([eb('lock_level', '=', 0), eb('failures', '<', first)]),
          eb.and([eb('lock_level', '>', 0), eb('failures', '<', afterLock)]),
          sql<boolean>`${stale}`,
        ]),
      )
      .returning(['lock_level'])
  );
});

const resetCounter = prepared<{ key: string }>(['key'], (db, { key }) =>
  db
    .updateTable('login_throttle')
    .set({ failures: 0, lock_level: 0, locked_until: null, last_failure_at: null })
    .where('key', '=', key),
);

const undoAttempt = prepared<{ key: string }>(['key'], (db, { key }) =>
  db
    .updateTable('login_throttle')
    .set({ failures: sql`CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END` })
    .where('key', '=', key),
);

const counterRow = prepared<{ key: string }, LoginThrottleTable>(['key'], (db, { key }) =>
  db.selectFrom('login_throttle').selectAll().where('key', '=', key),
);

export class DatabaseCounters implements FailureCounters {
  constructor(private readonly db: Db) {}

  async reserve(key: string, limit: Limit, now: number, decayMs: number): Promise<Reserve> {
    const first = await this.take(key, limit, now, decayMs);
    if (first) return first;
    const row = await this.state(key);
    if (row)
      return { ok: false, level: row.level, until: row.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null };
    // First failure ever for this key: create the row (a parallel twin may win; either way take again).
    await this.db
      .insertInto('login_throttle')
      .values({ key, failures: 0, lock_level: 0, locked_until: null, last_failure_at: null })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return (await this.take(key, limit, now, decayMs)) ?? { ok: false, level: 0, until: null };
  }

  private async take(key: string, limit: Limit, now: number, decayMs: number): Promise<Reserve | undefined> {
    const taken = await takeAttempt.first(this.db, {
      key,
      first: limit.first,
      afterLock: limit.afterLock,
      now: at(now),
      cutoff: at(now - decayMs),
    });
    return taken ? { ok: true, level: Number(taken.lock_level) } : undefined;
  }

  async lockIfFull(key: string, limit: Limit, now: number, duration: (level: number) => number) {
    const row = await this.state(key);
    if (!row || row.failures < limitAt(limit, row.level)) return null;
    const until = now + duration(row.level);
    // Only the request that took the last attempt gets here with a full counter; the WHERE makes it once.
    const locked = await this.db
      .updateTable('login_throttle')
      .set({ failures: 0, lock_level: row.level + 1, locked_until: at(until) })
      .where('key', '=', key)
      .where('failures', '>=', limitAt(limit, row.level))
      .where('lock_level', '=', row.level)
      .executeTakeFirst();
    return Number(locked.numUpdatedRows) > 0 ? until : null;
  }

  /**
   * Zeroes the row rather than deleting it: every successful sign-in resets its account, and a kept row lets the
   * next sign-in's reservation be one UPDATE instead of an UPDATE that misses, a read, an INSERT and an UPDATE.
   */
  async reset(key: string): Promise<void> {
    await resetCounter.run(this.db, { key });
  }

  async undo(key: string): Promise<void> {
    await undoAttempt.run(this.db, { key });
  }

  async state(key: string): Promise<CounterState | undefined> {
    const row = await counterRow.first(this.db, { key });
    if (!row) return undefined;
    return {
      failures: Number(row.failures),
      level: Number(row.lock_level),
      lockedUntil: row.locked_until ? new Date(row.locked_until).getTime() : null,
    };
  }

  async close(): Promise<void> {}
}
