/**
 * A real SMTP server in the test process (the `smtp-server` package): it collects every message that arrives,
 * and can be stopped and started again on the same port to play an outage.
 */
import type { AddressInfo } from 'node:net';
import { after, before, describe } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { startTestApp, type TestApp, testDialects } from '../harness.ts';

export type ReceivedMail = {
  to: string[];
  from: string;
  subject: string;
  /** The raw message with quoted-printable soft breaks and escapes decoded, for reading links. */
  body: string;
  raw: string;
};

/** Decodes quoted-printable (soft line breaks and =XX escapes); good enough to read links out of a message. */
function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded);
  return match?.[1]?.trim() ?? '';
}

export class TestSmtpServer {
  readonly messages: ReceivedMail[] = [];
  private server: SMTPServer | undefined;
  port = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // Addresses starting with "rejected" are refused for good (550), like an unknown mailbox.
      onRcptTo: (rcpt, _session, callback) => {
        if (rcpt.address.toLowerCase().startsWith('rejected')) {
          const error = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 });
          return callback(error);
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          this.messages.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            subject: header(raw, 'Subject'),
            body: decodeQuotedPrintable(raw),
            raw,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening (an outage); start() again reuses the same port. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Messages to one address. */
  to(address: string): ReceivedMail[] {
    const key = address.toLowerCase();
    return this.messages.filter((m) => m.to.some((to) => to.toLowerCase() === key));
  }

  /** Waits (polling briefly) until `count` messages to `address` have arrived; fails after `timeoutMs`. */
  async waitFor(address: string, count = 1, timeoutMs = 5000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const got = this.to(address);
      if (got.length >= count) return got;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`expected ${count} message(s) to ${address}, got ${this.to(address).length}`);
  }
}

/** The one-time token in a message's link (`?token=…`). */
export function tokenIn(mail: ReceivedMail): string {
  const match = /[?&]token=([A-Za-z0-9_-]{20,})/.exec(mail.body);
  if (!match?.[1]) throw new Error(`no token link in: ${mail.subject}`);
  return match[1];
}

/** Every http(s) link in a message. */
export function linksIn(mail: ReceivedMail): string[] {
  return [...mail.body.matchAll(/https?:\/\/[^\s"<>]+/g)].map((m) => m[0]);
}

/**
 * Runs a suite once per dialect against an app whose GATEHOUSE_SMTP_URL points at a fresh TestSmtpServer.
 * `t()` gives the app and the server.
 */
export function describeWithSmtp(
  title: string,
  body: (t: () => { app: TestApp; smtp: TestSmtpServer }) => void,
  env: Record<string, string> = {},
): void {
  for (const dialect of testDialects()) {
    describe(`${title} [${dialect}]`, () => {
      let app: TestApp | undefined;
      const smtp = new TestSmtpServer();
      before(async () => {
        await smtp.start();
        app = await startTestApp({ dialect, env: { GATEHOUSE_SMTP_URL: smtp.url, ...env } });
      });
      after(async () => {
        await app?.close();
        await smtp.stop();
      });
      body(() => {
        if (!app) throw new Error('test app not started');
        return { app, smtp };
      });
    });
  }
}
