/**
 * Text messages behind one interface. `console` is the development provider: it writes the message, code
 * included, to the log so a developer can sign in without a phone; never use it in production. An http(s)
 * GATEHOUSE_SMS_URL receives `POST {to, body}` as JSON.
 */
export type SmsLogger = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };

export interface SmsProvider {
  send(to: string, body: string): Promise<void>;
}

export const silentSmsLogger: SmsLogger = { info() {}, warn() {} };

export class ConsoleSmsProvider implements SmsProvider {
  constructor(private readonly logger: () => SmsLogger) {}

  async send(to: string, body: string): Promise<void> {
    // Deliberately logs the body (the code): this provider exists so development needs no SMS gateway.
    this.logger().info({ sms: { to, body } }, 'sms (console provider, development only)');
  }
}

export class WebhookSmsProvider implements SmsProvider {
  constructor(
    private readonly url: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(to: string, body: string): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to, body }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`SMS webhook answered ${response.status}`);
  }
}

export function createSmsProvider(smsUrl: string, logger: () => SmsLogger): SmsProvider {
  return smsUrl === 'console' ? new ConsoleSmsProvider(logger) : new WebhookSmsProvider(smsUrl);
}
