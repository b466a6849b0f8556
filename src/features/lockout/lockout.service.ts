/**
 * Brute-force protection (ASVS 6.3.1, NIST SP 800-63B 5.2.2). Failed sign-ins count per account (per attempted
 * login name when there is no such account, so both answer alike) and per client address; a client holding a
 * device token for the account counts on its own device counter instead (docs/decisions/0400). Past the
 * threshold the account (or device) is locked for lockoutMinutes, doubling with each lock in a row; the address
 * is throttled with growing waits. A locked sign-in is refused before the password is looked at, so the answer is
 * the same for the right and a wrong password, and attempts during a lock count for nothing.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { Caller } from '../access/caller.ts';
import { type Actor, recordEvent } from '../events/events.service.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import type { UsersService } from '../users/users.service.ts';
import { type FailureCounters, fixedLimit, type Limit, lockDuration, type Reserve } from './lockout.counters.ts';

/** A quiet day forgets old failures, so a shared address does not stay one guess from a lock forever. */
const decayMs = 86_400_000;
/**
 * An address may fail this many times the account threshold (password spraying across accounts) before it is
 * throttled: then one attempt per wait, the wait doubling from 1 s up to 5 minutes. A throttle, not a lock: a
 * shared address (NAT, proxy, a scanner next door) slows down strangers but never locks anyone out, and an
 * attempt with a device token for its account is not counted or stopped by it.
 */
const addressFactor = 10;
const addressDelay = (level: number): number => Math.min(1_000 * 2 ** Math.min(level, 16), 300_000);

type Counter = { key: string; limit: Limit; resetOnSuccess: boolean; duration: (level: number) => number };
/** Longest wait (real time) for in-flight attempts to settle before answering 429. */
const settleWaitMs = 10_000;
/**
 * Self-registrations one client address may make in a row; the count starts afresh after an hour without one.
 * Enough for a team signing up behind one NAT, too few for a script creating accounts and sending mail in bulk.
 */
export const registrationsPerAddress = 20;
const registrationQuietMs = 3_600_000;

export type Attempt = { succeeded(): Promise<void>; failed(): Promise<void> };
/**
 * For checks of a signed-in user's current password (password change, email change): they count on the account's
 * sign-in counter, so a stolen session cannot become a way to guess the password (ASVS 6.3.1).
 */
export type PasswordThrottle = (userId: string, actor: Actor) => Promise<Attempt>;
/**
 * For fresh proofs and second-factor codes (mfa.service.ts prove, mfa.login.ts complete): each guess is reserved
 * here before it is checked, like a sign-in. A password counts on the account's sign-in counter; a TOTP, SMS or
 * recovery code on the account's second-factor counter, which a right password does not reset (else each
 * sign-in would buy a fresh round of code guesses).
 */
export type ProofThrottle = (userId: string, actor: Actor, secret: 'password' | 'code') => Promise<Attempt>;
export type LockState = { locked: boolean; lockedUntil: string | null; failures: number; lockLevel: number };

export class LockoutService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly settings: SettingsService,
    private readonly users: UsersService,
    private readonly counters: FailureCounters,
  ) {}

  /**
   * Reserves one attempt on every counter of this sign-in, or refuses it with 429 and Retry-After.
   * `deviceId` is that of a valid device token the client presented for this very account (device-tokens.ts):
   * such an attempt counts on its device's own counter only, so neither the address throttle nor an account lock
   * caused by somebody else stops it; without one, the account counter and the address throttle apply.
   */
  async begin(
    account: string,
    ip: string | null,
    actor: Actor,
    userId: string | null,
    deviceId: string | null = null,
  ): Promise<Attempt> {
    const { lockoutThreshold, lockoutMinutes } = await this.settings.get();
    const lock = (level: number) => lockDuration(lockoutMinutes, level);
    const counters: Counter[] = deviceId
      ? [{ key: `device:${deviceId}`, limit: fixedLimit(lockoutThreshold), resetOnSuccess: true, duration: lock }]
      : [{ key: account, limit: fixedLimit(lockoutThreshold), resetOnSuccess: true, duration: lock }];
    if (ip && !deviceId) {
      const limit = { first: lockoutThreshold * addressFactor, afterLock: 1 };
      counters.push({ key: `ip:${ip}`, limit, resetOnSuccess: false, duration: addressDelay });
    }
    const taken: Counter[] = [];
    for (const counter of counters) {
      const r = await this.reserveWaiting(counter.key, counter.limit);
      const now = this.clock.now().getTime();
      if (!r.ok) {
        for (const t of taken) await this.guard(() => this.counters.undo(t.key));
        const reason = counter.key.startsWith('ip:') ? 'throttled' : 'locked';
        await this.audit(actor, userId, 'auth.login', { reason }, 'failure');
        const until = r.until ?? now + counter.duration(r.level);
        throw locked(Math.max(1, Math.ceil((until - now) / 1000)));
      }
      taken.push(counter);
    }
    return {
      succeeded: async () => {
        for (const c of taken)
          await this.guard(() => (c.resetOnSuccess ? this.counters.reset(c.key) : this.counters.undo(c.key)));
      },
      failed: async () => {
        for (const c of taken) {
          const now = this.clock.now().getTime();
          const until = await this.guard(() => this.counters.lockIfFull(c.key, c.limit, now, c.duration));
          if (until !== null) {
            await this.audit(
              actor,
              userId,
              'auth.lockout',
              { counter: c.key.split(':')[0], lockedUntil: new Date(until).toISOString() },
              'failure',
            );
          }
        }
      },
    };
  }

  /**
   * While the last allowed attempts are still being verified, a new attempt waits for them to settle instead of
   * being refused: a success frees the counter, a failure locks it. So parallel sign-ins with the right password
   * all get through, and parallel wrong ones still never exceed the limit.
   */
  private async reserveWaiting(key: string, limit: Limit): Promise<Reserve> {
    const deadline = Date.now() + settleWaitMs;
    for (;;) {
      const now = this.clock.now().getTime();
      const r = await this.guard(() => this.counters.reserve(key, limit, now, decayMs));
      if (r.ok || r.until !== null || Date.now() >= deadline) return r;
      // Jitter spreads the retries of many waiting requests.
      await sleep(25 + Math.floor(Math.random() * 25));
    }
  }

  /**
   * Takes one self-registration from the client address's allowance, or refuses with 429 and Retry-After (ASVS
   * 2.4.1 anti-automation). Counted before the username or address is looked at, so the answer says nothing about
   * who has an account.
   */
  async admitRegistration(ip: string | null): Promise<void> {
    if (!ip) return;
    const now = this.clock.now().getTime();
    const r = await this.guard(() =>
      this.counters.reserve(`register:${ip}`, fixedLimit(registrationsPerAddress), now, registrationQuietMs),
    );
    if (!r.ok) {
      throw new AppError('RATE_LIMITED', {
        detail: 'Too many accounts were created from this address; try again later',
        retryAfter: registrationQuietMs / 1000,
      });
    }
  }

  /** Lifts a user's lock and forgets its failures (POST /api/admin/users/{id}/unlock). */
  async unlock(caller: Caller, userId: string): Promise<LockState> {
    await this.users.getRowFor(caller, userId, 'users:write');
    const before = await this.state(userId);
    await this.guard(() => this.counters.reset(accountKey(userId)));
    await recordEvent(this.db, this.clock, caller.actor, {
      action: 'user.unlock',
      target: { type: 'user', id: userId },
      details: { wasLocked: before.locked, failures: before.failures },
    });
    return this.state(userId);
  }

  async stateFor(caller: Caller, userId: string): Promise<LockState> {
    await this.users.getRowFor(caller, userId, 'users:read');
    return this.state(userId);
  }

  async close(): Promise<void> {
    await this.counters.close();
  }

  private async state(userId: string): Promise<LockState> {
    const s = await this.guard(() => this.counters.state(accountKey(userId)));
    const now = this.clock.now().getTime();
    const locked = Boolean(s?.lockedUntil && s.lockedUntil > now);
    return {
      locked,
      lockedUntil: locked && s?.lockedUntil ? new Date(s.lockedUntil).toISOString() : null,
      failures: s?.failures ?? 0,
      lockLevel: s?.level ?? 0,
    };
  }

  private async audit(
    actor: Actor,
    userId: string | null,
    action: string,
    details: Record<string, unknown>,
    outcome: 'failure',
  ) {
    await recordEvent(this.db, this.clock, actor, {
      action,
      target: userId ? { type: 'user', id: userId } : null,
      outcome,
      details,
    });
  }

  /** A counter store that does not answer fails closed: no sign-in is checked without its counters. */
  private async guard<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('UNAVAILABLE', { detail: 'Sign-in is unavailable for a moment', retryAfter: 5 });
    }
  }
}

/** The counter of an existing account; an unknown login name counts under its own key (login:<key>). */
export function accountKey(userId: string): string {
  return `user:${userId}`;
}

/** The counter of an account's second-factor codes. */
export function secondFactorKey(userId: string): string {
  return `mfa:${userId}`;
}

export function unknownLoginKey(loginKey: string): string {
  return `login:${loginKey}`;
}

/** The one answer of every lock, whatever counter locked and whatever the password was. */
function locked(retryAfter: number): AppError {
  return new AppError('LOGIN_LOCKED', { retryAfter });
}
