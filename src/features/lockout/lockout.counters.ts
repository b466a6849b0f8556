/**
 * Failure counters behind one interface, in the database or in Redis (shared by every node either way).
 * The race that broke Zitadel (GHSA-7h8m-vrxx-vr4m) and Keycloak (#31726) is closed by reserving an attempt
 * atomically BEFORE the password is verified: a reservation is refused once `limit` are taken, so 200 parallel
 * guesses can never record more than the limit, and the lock engages at the limit-th failure.
 */

export type Reserve =
  | { ok: true; level: number }
  /** Locked: `until` is the end of the lock (ms), or null while the last allowed attempt is still in flight. */
  | { ok: false; level: number; until: number | null };

export type CounterState = { failures: number; level: number; lockedUntil: number | null };

/**
 * How many attempts a counter allows: `first` before its first lock, `afterLock` after each later one. An account
 * allows the same number every time; the address throttle allows many at first and then one per (growing) wait.
 */
export type Limit = { first: number; afterLock: number };

export function fixedLimit(n: number): Limit {
  return { first: n, afterLock: n };
}

/** The limit in force at a lock level. */
export function limitAt(limit: Limit, level: number): number {
  return level > 0 ? limit.afterLock : limit.first;
}

export interface FailureCounters {
  /** Takes one attempt unless the key is locked or `limit` attempts are already taken; resets after `decayMs`. */
  reserve(key: string, limit: Limit, now: number, decayMs: number): Promise<Reserve>;
  /** After a failed attempt: when the limit is reached, locks for `duration(level)` and answers the lock's end. */
  lockIfFull(key: string, limit: Limit, now: number, duration: (level: number) => number): Promise<number | null>;
  /** A success: forget the consecutive failures and the lock history (the account's counter). */
  reset(key: string): Promise<void>;
  /** Gives back one reservation (the address counter after a success, or when another counter refused). */
  undo(key: string): Promise<void>;
  state(key: string): Promise<CounterState | undefined>;
  close(): Promise<void>;
}

/** Lock length: the base doubling with each lock in a row, capped at a day (or the base when that is longer). */
export function lockDuration(baseMinutes: number, level: number): number {
  const base = baseMinutes * 60_000;
  return Math.min(base * 2 ** Math.min(level, 16), Math.max(base, 86_400_000));
}
