/**
 * The mail channel: one interface, two providers. SMTP (nodemailer) when GATEHOUSE_SMTP_URL is set; otherwise
 * the log provider, which writes the recipient and subject to the log (never the body: it carries a one-time
 * link) while the whole message stays in the outbox table, so nothing is lost.
 */
import type Nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { Config } from '../config.ts';
import { lazyRequire } from '../lazy-require.ts';
import { maskUrl } from '../logger.ts';

const nodemailer = lazyRequire<typeof Nodemailer>('nodemailer');

export type OutgoingMail = { to: string; subject: string; text: string; html: string };

export interface MailLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface MailProvider {
  /** 'smtp' or 'log', recorded on each delivered message. */
  readonly name: string;
  /** Whether the outbox may erase a message's body after delivery (the log provider keeps it). */
  readonly delivers: boolean;
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export function createMailProvider(config: Config, logger: () => MailLogger): MailProvider {
  return config.smtpUrl ? new SmtpProvider(config.smtpUrl, config.publicUrl) : new LogProvider(logger);
}

/** Sends over SMTP; each message on a fresh connection, with timeouts so a dead server fails fast. */
export class SmtpProvider implements MailProvider {
  readonly name = 'smtp';
  readonly delivers = true;
  private readonly transport: Transporter;
  private readonly from: string;

  constructor(smtpUrl: string, publicUrl: string) {
    const url = new URL(smtpUrl);
    this.from = url.searchParams.get('from') ?? `Gatehouse <no-reply@${new URL(publicUrl).hostname}>`;
    url.searchParams.delete('from');
    this.transport = nodemailer().createTransport({
      url: url.toString(),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(mail: OutgoingMail): Promise<void> {
    // Addresses go in as structured fields; nodemailer encodes headers, so no header injection through them.
    await this.transport.sendMail({
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    });
  }

  close(): void {
    this.transport.close();
  }
}

/** Logs that a message is waiting in the outbox; the body (and its token) never reaches the log. */
export class LogProvider implements MailProvider {
  readonly name = 'log';
  readonly delivers = false;

  constructor(private readonly logger: () => MailLogger) {}

  async send(mail: OutgoingMail): Promise<void> {
    this.logger().info(
      { to: mail.to, subject: maskUrl(mail.subject) },
      'mail not sent (GATEHOUSE_SMTP_URL is unset): kept in the mail_outbox table',
    );
  }

  close(): void {}
}
