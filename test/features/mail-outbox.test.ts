/** The mail outbox: retries through an SMTP outage, gives up visibly, and logs without secrets when SMTP is unset. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminCredentials, describeBothDialects, unique } from '../harness.ts';
import { describeWithSmtp, tokenIn } from '../support/smtp.ts';

const password = 'correct horse battery staple';

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describeWithSmtp('mail outbox over SMTP', (t) => {
  test('SMTP down then back up: the message waits in the outbox, is retried with backoff, and arrives', async () => {
    const { app, smtp } = t();
    const email = `${unique('outage')}@example.test`;
    await smtp.stop();
    try {
      const r = await app.request('POST', '/api/admin/invitations', {
        token: app.adminToken,
        body: { emails: [email] },
      });
      assert.equal(r.status, 201);
      const outbox = () =>
        app.request('GET', '/api/admin/mail/outbox', { token: app.adminToken, query: { to: email } });
      await until(async () => (await outbox()).body.items[0]?.attempts >= 1);
      const waiting = (await outbox()).body.items[0];
      assert.equal(waiting.status, 'pending');
      assert.ok(waiting.lastError);
      assert.ok(Date.parse(waiting.nextAttemptAt) >= app.clock.now().getTime() + 25_000, 'backs off about 30 s');
    } finally {
      await smtp.start();
    }
    app.clock.advance(31_000);
    // The background worker (not the test) picks the message up on its next poll.
    const [mail] = await smtp.waitFor(email, 1, 5000);
    assert.ok(tokenIn(mail!));
    const listing = () => app.request('GET', '/api/admin/mail/outbox', { token: app.adminToken, query: { to: email } });
    // The server has the message a moment before the worker records the delivery.
    await until(async () => (await listing()).body.items[0]?.status === 'sent');
    const sent = await listing();
    assert.equal(sent.body.items[0].attempts, 2);
    assert.equal(sent.body.items.length, 1, 'sent once, not duplicated');
  });

  test('a refused recipient is listed for the admin as failed, and can be retried', async () => {
    const { app } = t();
    const email = `rejected-${unique('x')}@example.test`;
    await app.request('POST', '/api/admin/invitations', { token: app.adminToken, body: { emails: [email] } });
    const failed = () =>
      app.request('GET', '/api/admin/mail/outbox', { token: app.adminToken, query: { status: 'failed' } });
    await until(async () => (await failed()).body.items.some((i: { to: string }) => i.to === email));
    const item = (await failed()).body.items.find((i: { to: string }) => i.to === email);
    assert.match(item.lastError, /550|unavailable/);
    assert.equal(
      'textBody' in item || 'html' in item || 'body' in item,
      false,
      'no body (and no token) in the listing',
    );
    const retried = await app.request('POST', `/api/admin/mail/outbox/${item.id}/retry`, { token: app.adminToken });
    assert.equal(retried.status, 200);
    assert.equal(retried.body.status, 'pending');
  });

  test('after the last attempt a message is failed (12 attempts with exponential backoff)', async () => {
    const { app, smtp } = t();
    const username = unique('giveup');
    const email = `${username}@example.test`;
    await app.createUser({ username, email, password });
    await smtp.stop();
    try {
      await app.request('POST', '/api/auth/password/forgot', { body: { login: username } });
      const mail = app.app.services.mail;
      for (let i = 0; i < 14; i++) {
        await mail.deliverDue();
        app.clock.advance(3_600_000 + 1000);
      }
      const list = await app.request('GET', '/api/admin/mail/outbox', { token: app.adminToken, query: { to: email } });
      assert.equal(list.body.items[0].status, 'failed');
      assert.equal(list.body.items[0].attempts, 12);
    } finally {
      await smtp.start();
    }
  });

  test('the outbox listing needs settings:read', async () => {
    const { app } = t();
    const username = unique('plain');
    await app.createUser({ username, password });
    const token = await app.signIn(username, password);
    const r = await app.request('GET', '/api/admin/mail/outbox', { token, query: { status: 'failed' } });
    assert.equal(r.status, 403);
  });
  test('delivered messages are deleted after 30 days; failed ones stay', async () => {
    const { app, smtp } = t();
    const email = `${unique('old')}@example.test`;
    await app.request('POST', '/api/admin/invitations', { token: app.adminToken, body: { emails: [email] } });
    await smtp.waitFor(email);
    const outbox = () => app.request('GET', '/api/admin/mail/outbox', { token: app.adminToken, query: { to: email } });
    await until(async () => (await outbox()).body.items[0]?.status === 'sent');
    const failedBefore = await app.request('GET', '/api/admin/mail/outbox', {
      token: app.adminToken,
      query: { status: 'failed' },
    });
    // Last in this suite: a month later the admin's session has expired too, so it signs in again.
    app.clock.advance(31 * 24 * 3_600_000);
    await app.app.services.mail.deliverDue();
    const token = await app.signIn(adminCredentials.username, adminCredentials.password);
    const after = await app.request('GET', '/api/admin/mail/outbox', { token, query: { to: email } });
    assert.equal(after.body.items.length, 0);
    const failedAfter = await app.request('GET', '/api/admin/mail/outbox', { token, query: { status: 'failed' } });
    assert.equal(failedAfter.body.total, failedBefore.body.total);
  });
});

describeBothDialects('mail without SMTP', (t) => {
  test('with GATEHOUSE_SMTP_URL unset, mail is logged without its token and kept whole in the outbox', async () => {
    const { app, request, adminToken } = t();
    const lines: string[] = [];
    const capture = (details: object, message: string) => lines.push(JSON.stringify({ details, message }));
    app.services.mail.useLogger({ info: capture, warn: capture });
    const email = `${unique('logged')}@example.test`;
    const r = await request('POST', '/api/admin/invitations', { token: adminToken, body: { emails: [email] } });
    assert.equal(r.status, 201);
    const outboxRow = () =>
      app.services.db.selectFrom('mail_outbox').selectAll().where('to_address', '=', email).executeTakeFirstOrThrow();
    // The log line is written while the message is being sent; the row says 'sent' only once that update commits.
    await until(async () => lines.some((l) => l.includes(email)) && (await outboxRow()).status === 'sent');
    const row = await outboxRow();
    assert.equal(row.status, 'sent');
    assert.equal(row.provider, 'log');
    const token = /token=([A-Za-z0-9_-]{43})/.exec(row.text_body ?? '')?.[1];
    assert.ok(token, 'the body with its link is kept in the outbox: nothing is lost');
    assert.ok(
      lines.every((l) => !l.includes(token)),
      'no token in any log line',
    );
    assert.equal((await request('GET', `/api/auth/invitations/${token}`)).status, 200);
  });
});
