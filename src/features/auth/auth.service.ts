/**
 * Password sign-in, as small named steps: find the user → verify the password (a dummy verification when
 * there is no user, so timing tells nothing) → check the account can sign in → issue a new session.
 * Every attempt is an audit event; every failure answers the same 401.
 */

import type { Clock } from '../../clock.ts';
import { dummyVerify, hashPassword, verifyPassword } from '../../crypto/passwords.ts';
import type { Db, UserRow } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { UserWrites } from '../directory/user-writes.ts';
import type { Actor } from '../events/events.service.ts';
import { recordEvent } from '../events/events.service.ts';
import type { Client, SessionsService } from '../sessions/sessions.service.ts';
import { findUserByLogin } from '../users/users.store.ts';
import { loginKey } from '../users/users.validation.ts';
import type { LoginResult, SignInSessions } from './sign-in-session.ts';

export type { LoginResult } from './sign-in-session.ts';

/** A sign-in that waits for a second factor (or, under mfaRequired, an enrolment): no session yet. */
export type SecondFactorPending = {
  mfaRequired: true;
  mfaToken: string;
  methods: string[];
  enrolmentRequired?: boolean;
};
/** The second-factor step (src/features/mfa/mfa.login.ts): null lets the session be issued. */
export type SecondFactorGate = (user: UserRow, client: Client) => Promise<SecondFactorPending | null>;

/**
 * Reserves a sign-in attempt on the brute-force counters (src/features/lockout), or throws the 429. `deviceTokens`
 * are those the client presented; one valid for `userId` moves the attempt onto its device's own counter.
 */
export type LoginThrottle = (
  account: string,
  client: Client,
  actor: Actor,
  userId: string | null,
  deviceTokens: readonly string[],
) => Promise<{ succeeded(): Promise<void>; failed(): Promise<void> }>;

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly sessions: SessionsService,
    private readonly signIns: SignInSessions,
    private readonly writes: UserWrites,
    /** The lockout feature's counters around the password check. */
    private readonly throttle: LoginThrottle,
    /** The second-factor step (src/features/mfa/mfa.login.ts). */
    private readonly secondFactor: SecondFactorGate,
  ) {}

  async login(
    login: string,
    password: string,
    client: Client,
    deviceTokens: readonly string[] = [],
  ): Promise<LoginResult | SecondFactorPending> {
    const actor: Actor = {
      type: 'anonymous',
      id: null,
      name: login.slice(0, 100),
      ip: client.ip,
      userAgent: client.userAgent,
    };
    const key = loginKey(login);
    const user = await findUserByLogin(this.db, key);
    // Brute-force counters: the attempt is reserved BEFORE the password is verified (a lock answers 429 here).
    const account = user ? `user:${user.id}` : `login:${key}`;
    const attempt = await this.throttle(account, client, actor, user?.id ?? null, deviceTokens);
    const passwordOk = await this.verify(user, password);
    await (passwordOk ? attempt.succeeded() : attempt.failed());
    const refusal =
      !user || !passwordOk ? 'bad-credentials' : user.status !== 'active' ? `status-${user.status}` : null;
    if (refusal || !user) {
      await recordEvent(this.db, this.clock, actor, {
        action: 'auth.login',
        target: user ? { type: 'user', id: user.id } : null,
        outcome: 'failure',
        details: { reason: refusal },
      });
      throw new AppError('INVALID_CREDENTIALS');
    }
    const pending = await this.secondFactor(user, client);
    if (pending) return pending;
    return this.signIns.issue(user, client);
  }

  /** Verifies the password; with no user or no password set, spends the same time on a dummy hash. */
  private async verify(user: UserRow | undefined, password: string): Promise<boolean> {
    if (!user?.password_hash) {
      await dummyVerify(password);
      return false;
    }
    const result = await verifyPassword(user.password_hash, password);
    if (result.ok && result.needsRehash) {
      // Imported hashes (bcrypt, PBKDF2) become argon2id at the first successful sign-in.
      await this.writes.upgradePasswordHash(this.db, this.writes.self(user), await hashPassword(password));
    }
    return result.ok;
  }

  async logout(actor: Actor, sessionId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.sessions.revoke(sessionId, trx);
      await recordEvent(trx, this.clock, actor, { action: 'auth.logout', target: { type: 'session', id: sessionId } });
    });
  }
}
