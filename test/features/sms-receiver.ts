/** A real HTTP receiver for the SMS webhook provider: collects each POST {to, body} on 127.0.0.1. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Sms = { to: string; body: string };

export type SmsReceiver = {
  url: string;
  messages: Sms[];
  /** The 6-digit code of the latest message to `to`. */
  lastCode(to: string): string;
  /** Answers this status to the next requests (a failing gateway). */
  failWith(status: number | null): void;
  close(): Promise<void>;
};

export async function startSmsReceiver(): Promise<SmsReceiver> {
  const messages: Sms[] = [];
  let failure: number | null = null;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failure) {
        res.writeHead(failure).end();
        return;
      }
      const ok = req.method === 'POST' && String(req.headers['content-type']).startsWith('application/json');
      if (ok) messages.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Sms);
      res.writeHead(ok ? 200 : 400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms`,
    messages,
    lastCode(to) {
      const last = messages.filter((m) => m.to === to).at(-1);
      const code = last && /\b(\d{6})\b/.exec(last.body)?.[1];
      if (!code) throw new Error(`no SMS code sent to ${to}`);
      return code;
    },
    failWith(status) {
      failure = status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
