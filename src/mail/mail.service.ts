/**
 * The outbox: a message is written in the same transaction as the change that causes it (an invitation, a
 * recovery token), then delivered by a background worker with retries and exponential backoff. An SMTP outage
 * delays mail and loses none; after the last attempt a message is 'failed' and listed for the admin.
 */
import { type Clock, iso } from '../clock.ts';
import type { Config } from '../config.ts';
import { newId } from '../crypto/tokens.ts';
import type { Db } from '../db/database.ts';
import { AppError, assertThat } from '../errors.ts';
import { decodeCursor, encodeCursor, type Page } from '../http/pagination.ts';
import { maskUrl } from '../logger.ts';
import { createMailProvider, type MailLogger, type MailProvider } from './mailer.ts';
import * as store from './outbox.store.ts';
import { render, type Template } from './templates.ts';

/** First retry after 30 s, doubling up to an hour; 12 attempts span about eight hours of outage. */
export const retryPolicy = { baseMs: 30_000, maxDelayMs: 3_600_000, maxAttempts: 12 } as const;
/** How long one delivery run holds a message before another run may take it over (crash safety). */
const claimMs = 120_000;
const batchSize = 20;
/** Delivered messages are kept this long (to answer "did the mail go out?"), then deleted. */
export const sentRetentionMs = 30 * 24 * 3_600_000;
const pruneEveryMs = 3_600_000;

export function backoffMs(attempts: number): number {
  return Math.min(retryPolicy.baseMs * 2 ** (attempts - 1), retryPolicy.maxDelayMs);
}

const silentLogger: MailLogger = { info: () => {}, warn: () => {} };

export type OutboxItem = {
  id: string;
  to: string;
  template: string;
  subject: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  provider: string | null;
  createdAt: string;
  sentAt: string | null;
};

export class MailService {
  private logger: MailLogger = silentLogger;
  readonly provider: MailProvider;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    config: Config,
  ) {
    this.provider = createMailProvider(config, () => this.logger);
  }

  useLogger(logger: MailLogger): void {
    this.logger = logger;
  }

  /** Writes a message to the outbox with `db` (pass the transaction); call kick() after the commit. */
  async enqueue(db: Db, to: string, template: Template): Promise<string> {
    const mail = render(to, template);
    const now = iso(this.clock.now());
    const id = newId(this.clock.now());
    await store.insertMessage(db, {
      id,
      to_address: mail.to,
      template: template.kind,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      locked_until: null,
      last_error: null,
      provider: null,
      created_at: now,
      sent_at: null,
    });
    return id;
  }

  /** Starts a delivery run soon, without waiting for it (after a commit that enqueued mail). */
  kick(): void {
    setImmediate(() => {
      this.deliverDue().catch((error: unknown) => this.logger.warn({ err: String(error) }, 'mail delivery run failed'));
    });
  }

  /** Delivers every message that is due; concurrent calls share one run and trigger one more after it. */
  async deliverDue(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.deliverBatch();
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private lastPrune = 0;

  /** Deletes delivered messages past the retention, at most once an hour. */
  async prune(): Promise<number> {
    const now = this.clock.now().getTime();
    if (now - this.lastPrune < pruneEveryMs) return 0;
    this.lastPrune = now;
    return store.deleteSentBefore(this.db, iso(new Date(now - sentRetentionMs)));
  }

  private async deliverBatch(): Promise<void> {
    await this.prune();
    for (;;) {
      const now = this.clock.now();
      const ids = await store.dueMessageIds(this.db, iso(now), batchSize);
      if (ids.length === 0) return;
      for (const id of ids) await this.deliverOne(id);
      if (ids.length < batchSize) return;
    }
  }

  private async deliverOne(id: string): Promise<void> {
    const now = this.clock.now();
    const row = await store.claimMessage(this.db, id, iso(now), iso(new Date(now.getTime() + claimMs)));
    if (!row) return;
    const attempts = row.attempts + 1;
    try {
      await this.provider.send({
        to: row.to_address,
        subject: row.subject,
        text: row.text_body ?? '',
        html: row.html_body ?? '',
      });
      const keepBody = !this.provider.delivers;
      await store.updateMessage(this.db, id, {
        status: 'sent',
        attempts,
        locked_until: null,
        last_error: null,
        provider: this.provider.name,
        sent_at: iso(this.clock.now()),
        ...(keepBody ? {} : { text_body: null, html_body: null }),
      });
    } catch (error) {
      await this.recordFailure(row, attempts, error);
    }
  }

  private async recordFailure(row: store.OutboxRow, attempts: number, error: unknown): Promise<void> {
    const e = error as { message?: string; responseCode?: number };
    // A 5xx answer (unknown mailbox, refused sender) will not change on retry; anything else may be an outage.
    const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
    const giveUp = permanent || attempts >= retryPolicy.maxAttempts;
    const next = new Date(this.clock.now().getTime() + backoffMs(attempts));
    const lastError = maskUrl(String(e.message ?? error)).slice(0, 500);
    await store.updateMessage(this.db, row.id, {
      status: giveUp ? 'failed' : 'pending',
      attempts,
      locked_until: null,
      last_error: lastError,
      provider: this.provider.name,
      next_attempt_at: iso(next),
    });
    this.logger.warn(
      { mailId: row.id, to: row.to_address, attempts, giveUp, error: lastError },
      giveUp ? 'mail delivery failed for good' : 'mail delivery failed; will retry',
    );
  }

  /** Polls for due messages (retries, and mail enqueued by other nodes) until stop(). */
  start(intervalMs = 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
    this.provider.close();
  }

  async list(query: {
    status?: string | undefined;
    to?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  }): Promise<Page<OutboxItem>> {
    const cursor = decodeCursor(query.cursor);
    const filter = { status: query.status, to: query.to };
    const after = cursor ? { value: String(cursor.value), id: cursor.id } : undefined;
    const [rows, total] = await Promise.all([
      store.listMessages(this.db, filter, query.limit + 1, after),
      store.countMessages(this.db, filter),
    ]);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(toItem),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ value: last.created_at, id: last.id }) : null,
      total,
      totalExact: true,
    };
  }

  /** Puts a failed message back in the queue for an immediate attempt. */
  async retry(id: string): Promise<OutboxItem> {
    const row = await store.findMessage(this.db, id);
    assertThat(row, 'NOT_FOUND');
    if (row.status !== 'failed') throw new AppError('CONFLICT', { detail: 'Only a failed message can be retried' });
    await store.updateMessage(this.db, id, {
      status: 'pending',
      attempts: 0,
      next_attempt_at: iso(this.clock.now()),
      locked_until: null,
    });
    this.kick();
    return toItem({ ...row, status: 'pending', attempts: 0 });
  }
}

function toItem(r: store.OutboxRow): OutboxItem {
  return {
    id: r.id,
    to: r.to_address,
    template: r.template,
    subject: r.subject,
    status: r.status as OutboxItem['status'],
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    provider: r.provider,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}
