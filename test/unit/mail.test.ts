/** Mail templates and the outbox's retry schedule. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffMs, retryPolicy } from '../../src/mail/mail.service.ts';
import { render } from '../../src/mail/templates.ts';

test('every message has a text and an HTML body with the product name and the link', () => {
  const url = 'https://id.example.com/invite?token=abc';
  const mail = render('a@example.com', {
    kind: 'invitation',
    url,
    expiresAt: '2030-01-01T00:00:00.000Z',
    invitedBy: 'Ann',
  });
  assert.match(mail.text, /Gatehouse/);
  assert.ok(mail.text.includes(url));
  assert.match(mail.html, /Gatehouse/);
  assert.ok(mail.html.includes('href="https://id.example.com/invite?token=abc"'));
  assert.match(mail.html, /<meta name="referrer" content="no-referrer">/);
});

test('user-controlled text is HTML-escaped and never reaches the subject (no header or markup injection)', () => {
  const mail = render('a@example.com', {
    kind: 'email-changed',
    username: '<script>alert(1)</script>\r\nBcc: x@evil.example',
    newEmail: 'b@example.com',
  });
  assert.doesNotMatch(mail.html, /<script>/);
  assert.match(mail.html, /&lt;script&gt;/);
  assert.doesNotMatch(mail.subject, /script|Bcc|\n/);
});

test('retries back off exponentially from 30 s and are capped at an hour', () => {
  assert.equal(backoffMs(1), 30_000);
  assert.equal(backoffMs(2), 60_000);
  assert.equal(backoffMs(3), 120_000);
  assert.equal(backoffMs(retryPolicy.maxAttempts), 3_600_000);
});
