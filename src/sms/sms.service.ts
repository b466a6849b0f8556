/**
 * Sends text messages with a per-number rate limit (at most `maxPerWindow` in `windowMinutes`), so nobody can use
 * Gatehouse to flood a phone or run up the gateway bill. The send is recorded first and counted after, so
 * parallel requests can never slip past the limit together.
 */
import { type Clock, iso } from '../clock.ts';
import { newId } from '../crypto/tokens.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { countSendsSince, deleteSend, insertSend, oldestSendSince } from './sms.store.ts';
import { createSmsProvider, type SmsLogger, type SmsProvider, silentSmsLogger } from './sms.ts';

export const smsLimit = { maxPerWindow: 5, windowMinutes: 15 } as const;

export class SmsService {
  private logger: SmsLogger = silentSmsLogger;
  private readonly provider: SmsProvider;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    smsUrl: string,
  ) {
    this.provider = createSmsProvider(smsUrl, () => this.logger);
  }

  useLogger(logger: SmsLogger): void {
    this.logger = logger;
  }

  /** Sends or throws RATE_LIMITED (with Retry-After) / UNAVAILABLE; never called inside a transaction. */
  async send(phone: string, body: string): Promise<void> {
    const now = this.clock.now();
    const since = iso(new Date(now.getTime() - smsLimit.windowMinutes * 60_000));
    const id = newId(now);
    await insertSend(this.db, { id, phone, sent_at: iso(now) }, since);
    if ((await countSendsSince(this.db, phone, since)) > smsLimit.maxPerWindow) {
      await deleteSend(this.db, id);
      const oldest = (await oldestSendSince(this.db, phone, since)) ?? iso(now);
      const freeAt = new Date(oldest).getTime() + smsLimit.windowMinutes * 60_000;
      throw new AppError('RATE_LIMITED', {
        detail: 'Too many text messages to this number; try again later',
        retryAfter: Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000)),
      });
    }
    try {
      await this.provider.send(phone, body);
    } catch (error) {
      this.logger.warn({ err: String(error) }, 'sms delivery failed');
      throw new AppError('UNAVAILABLE', { detail: 'The text message could not be sent; try again later' });
    }
  }
}
