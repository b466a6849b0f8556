/** Counts for the statistics page: a few aggregate queries over indexed columns. */
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

export async function usersByStatus(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('users')
    .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export async function mfaEnabledCount(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('mfa_enabled', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function liveSessionCount(db: Db, nowIso: string): Promise<number> {
  const row = await db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('expires_at', '>', nowIso)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Successful sign-ins per UTC day since `fromIso` (ISO timestamps: the day is the first 10 characters). */
export async function signInsPerDay(db: Db, fromIso: string): Promise<Array<{ day: string; count: number }>> {
  const day = sql<string>`substr(at, 1, 10)`;
  const rows = await db
    .selectFrom('events')
    .select([day.as('day'), (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('action', '=', 'auth.login')
    .where('outcome', '=', 'success')
    .where('at', '>=', fromIso)
    .groupBy(day)
    .orderBy(day)
    .execute();
  return rows.map((r) => ({ day: r.day, count: Number(r.n) }));
}
