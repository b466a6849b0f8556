/**
 * The last step of every sign-in (password, second factor, enrolment under mfaRequired): a new session, the
 * sign-in time and the `auth.login` event, in one transaction. Its own class so the password step and the MFA
 * step both depend on it instead of on each other.
 */
import { type Clock, iso } from '../../clock.ts';
import type { Db, SessionRow, UserRow } from '../../db/database.ts';
import type { UserWrites } from '../directory/user-writes.ts';
import { recordEvent } from '../events/events.service.ts';
import type { Client, SessionsService } from '../sessions/sessions.service.ts';

export type LoginResult = { token: string; session: SessionRow; user: UserRow };

export class SignInSessions {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly sessions: SessionsService,
    private readonly writes: UserWrites,
  ) {}

  async issue(user: UserRow, client: Client): Promise<LoginResult> {
    const now = iso(this.clock.now());
    return this.db.transaction().execute(async (trx) => {
      const { token, session } = await this.sessions.create(user.id, client, trx);
      await this.writes.recordSignIn(trx, user.id, now);
      await recordEvent(
        trx,
        this.clock,
        { type: 'user', id: user.id, name: user.username, ip: client.ip, userAgent: client.userAgent },
        {
          action: 'auth.login',
          target: { type: 'user', id: user.id },
          details: { sessionId: session.id },
        },
      );
      return { token, session, user: { ...user, last_login_at: now } };
    });
  }
}
