/** SMS providers: the console provider (development) logs the message; the webhook provider posts JSON. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ConsoleSmsProvider, createSmsProvider, WebhookSmsProvider } from '../../src/sms/sms.ts';
import { startSmsReceiver } from '../features/sms-receiver.ts';

const receiver = await startSmsReceiver();
after(() => receiver.close());

test('the console provider writes the message, code included, to the log: it is the development provider', async () => {
  const lines: object[] = [];
  const logger = { info: (obj: object) => lines.push(obj), warn: (obj: object) => lines.push(obj) };
  const provider = createSmsProvider('console', () => logger);
  assert.ok(provider instanceof ConsoleSmsProvider);
  await provider.send('+41446681800', 'Your code is 123456');
  assert.deepEqual(lines, [{ sms: { to: '+41446681800', body: 'Your code is 123456' } }]);
});

test('the webhook provider POSTs {to, body} as JSON and fails on a non-2xx answer', async () => {
  const provider = createSmsProvider(receiver.url, () => ({ info() {}, warn() {} }));
  assert.ok(provider instanceof WebhookSmsProvider);
  await provider.send('+41446681801', 'hello');
  assert.deepEqual(receiver.messages.at(-1), { to: '+41446681801', body: 'hello' });
  receiver.failWith(502);
  try {
    await assert.rejects(provider.send('+41446681801', 'again'), /502/);
  } finally {
    receiver.failWith(null);
  }
});
